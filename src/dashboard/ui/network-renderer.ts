import { type Simulation, type SimulationLinkDatum, type SimulationNodeDatum, forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation } from 'd3-force';
import type { Message } from '../../protocol/index.js';
import type { CollectiveView } from '../view-model/collective-view.js';
import { messageColor, personalityColor, stateColor } from './colors.js';

interface GraphNode extends SimulationNodeDatum {
  id: string;
  kind: 'instance' | 'human' | 'system';
  role: string;
  state: string;
  color: string;
  x: number;
  y: number;
}

interface GraphLink extends SimulationLinkDatum<GraphNode> {
  key: string;
  count: number;
  color: string;
}

interface Particle {
  from: string;
  to: string;
  color: string;
  born: number;
}

export type Layout = 'force' | 'ring';

const PARTICLE_MS = 900;
const MAX_PARTICLES = 240;
const MAX_PARTICLES_PER_BATCH = 48;
const NODE_RADIUS = 24;

/**
 * The network view on a canvas: instances (and the human) as pods laid out by d3-force or on a ring, edges
 * aggregated per pair, messages as particles along them. It draws only while something moves.
 */
export class NetworkRenderer {
  private nodes = new Map<string, GraphNode>();
  private links: GraphLink[] = [];
  private particles: Particle[] = [];
  private dropped = 0;
  private readonly simulation: Simulation<GraphNode, GraphLink>;
  private frame = 0;
  private width = 300;
  private height = 200;
  private layout: Layout = 'force';
  private selected: string | null = null;
  private readonly context: CanvasRenderingContext2D;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onSelect: (id: string) => void,
  ) {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2D canvas');
    this.context = context;
    this.simulation = forceSimulation<GraphNode, GraphLink>([])
      .force('charge', forceManyBody<GraphNode>().strength(-420))
      .force('link', forceLink<GraphNode, GraphLink>([]).id((node) => node.id).distance(150).strength(0.08))
      .force('collide', forceCollide<GraphNode>(NODE_RADIUS * 1.9))
      .force('center', forceCenter(150, 100))
      .stop();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    canvas.addEventListener('click', this.onClick);
    this.resize();
  }

  private readonly onClick = (event: MouseEvent): void => {
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    for (const node of this.nodes.values()) {
      if (node.kind === 'instance' && Math.hypot(node.x - x, node.y - y) <= NODE_RADIUS + 4) {
        this.onSelect(node.id);
        return;
      }
    }
  };

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(200, rect.width);
    this.height = Math.max(160, rect.height);
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.context.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.simulation.force('center', forceCenter(this.width / 2, this.height / 2));
    this.placeRing();
    this.simulation.alpha(0.5);
    this.wake();
  }

  setLayout(layout: Layout): void {
    this.layout = layout;
    this.placeRing();
    this.simulation.alpha(0.8);
    this.wake();
  }

  setSelected(id: string | null): void {
    this.selected = id;
    this.wake();
  }

  private placeRing(): void {
    if (this.layout !== 'ring') return;
    const list = [...this.nodes.values()];
    const radius = Math.max(60, Math.min(this.width, this.height) / 2 - NODE_RADIUS * 2);
    list.forEach((node, index) => {
      const angle = (index / list.length) * Math.PI * 2 - Math.PI / 2;
      node.fx = this.width / 2 + Math.cos(angle) * radius;
      node.fy = this.height / 2 + Math.sin(angle) * radius;
    });
  }

  /** Brings nodes and aggregated edges up to date with the view. */
  setView(view: CollectiveView): void {
    const wanted = new Map<string, Omit<GraphNode, 'x' | 'y'>>();
    for (const record of Object.values(view.instances)) {
      wanted.set(record.id, { id: record.id, kind: 'instance', role: record.role, state: record.status, color: personalityColor(record.metadata.personality) });
    }
    for (const edge of Object.values(view.edges)) {
      for (const id of [edge.from, edge.to]) {
        if (id === 'broadcast' || wanted.has(id)) continue;
        wanted.set(id, { id, kind: id === 'human' ? 'human' : 'system', role: id, state: 'idle', color: id === 'human' ? '#ffffff' : '#8892a6' });
      }
    }
    let structural = wanted.size !== this.nodes.size;
    const next = new Map<string, GraphNode>();
    for (const [id, spec] of wanted) {
      const existing = this.nodes.get(id);
      if (existing === undefined) structural = true;
      const angle = Math.random() * Math.PI * 2;
      next.set(id, Object.assign(existing ?? { x: this.width / 2 + Math.cos(angle) * 80, y: this.height / 2 + Math.sin(angle) * 80 }, spec));
    }
    this.nodes = next;
    const links: GraphLink[] = [];
    for (const [key, edge] of Object.entries(view.edges)) {
      if (edge.to === 'broadcast' || !next.has(edge.from) || !next.has(edge.to) || edge.from === edge.to) continue;
      let top = '';
      let topCount = -1;
      for (const [type, count] of Object.entries(edge.byType)) {
        if (count > topCount) {
          top = type;
          topCount = count;
        }
      }
      links.push({ key, source: edge.from, target: edge.to, count: edge.count, color: messageColor(top) });
    }
    structural ||= links.length !== this.links.length;
    this.links = links;
    if (structural) {
      this.simulation.nodes([...next.values()]);
      this.simulation.force<ReturnType<typeof forceLink<GraphNode, GraphLink>>>('link')?.links(links);
      this.placeRing();
      this.simulation.alpha(Math.max(this.simulation.alpha(), 0.6));
    }
    this.broadcastCounts = new Map(Object.values(view.edges).filter((edge) => edge.to === 'broadcast').map((edge) => [edge.from, edge.count]));
    this.wake();
  }

  private broadcastCounts = new Map<string, number>();

  /** Sends a particle for each message (a broadcast to every instance); a burst is thinned, not queued. */
  addMessages(messages: readonly Message[]): void {
    const now = performance.now();
    let budget = MAX_PARTICLES_PER_BATCH;
    for (let index = messages.length - 1; index >= 0; index -= 1) {
      const message = messages[index];
      if (message === undefined) continue;
      const targets = message.to === 'broadcast' ? [...this.nodes.values()].filter((node) => node.kind === 'instance' && node.id !== message.from).map((node) => node.id) : [message.to];
      for (const to of targets) {
        if (budget <= 0) {
          this.dropped += 1;
          continue;
        }
        budget -= 1;
        this.particles.push({ from: message.from, to, color: messageColor(message.type), born: now - Math.random() * 120 });
      }
    }
    if (this.particles.length > MAX_PARTICLES) this.particles.splice(0, this.particles.length - MAX_PARTICLES);
    this.wake();
  }

  clearParticles(): void {
    this.particles = [];
  }

  private wake(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.draw);
  }

  private readonly draw = (): void => {
    this.frame = 0;
    const now = performance.now();
    if (this.simulation.alpha() > this.simulation.alphaMin()) this.simulation.tick();
    for (const node of this.nodes.values()) {
      node.x = Math.min(this.width - NODE_RADIUS - 36, Math.max(NODE_RADIUS + 36, node.x));
      node.y = Math.min(this.height - NODE_RADIUS - 28, Math.max(NODE_RADIUS + 4, node.y));
    }
    this.particles = this.particles.filter((particle) => now - particle.born < PARTICLE_MS);
    const context = this.context;
    context.clearRect(0, 0, this.width, this.height);
    this.drawEdges(context);
    this.drawParticles(context, now);
    let animating = false;
    for (const node of this.nodes.values()) animating = this.drawNode(context, node, now) || animating;
    if (this.dropped > 0 && this.particles.length > 0) {
      context.fillStyle = '#5c6b86';
      context.font = '11px ui-monospace, monospace';
      context.fillText(`burst: ${this.dropped} more not animated`, 8, this.height - 8);
    } else if (this.particles.length === 0) {
      this.dropped = 0;
    }
    if (animating || this.particles.length > 0 || this.simulation.alpha() > this.simulation.alphaMin()) this.wake();
  };

  private drawEdges(context: CanvasRenderingContext2D): void {
    for (const link of this.links) {
      const source = link.source as GraphNode;
      const target = link.target as GraphNode;
      if (typeof source !== 'object' || typeof target !== 'object') continue;
      context.strokeStyle = link.color;
      context.globalAlpha = 0.28;
      context.lineWidth = Math.min(9, 1 + Math.log2(1 + link.count));
      context.beginPath();
      context.moveTo(source.x, source.y);
      context.lineTo(target.x, target.y);
      context.stroke();
    }
    // A broadcast reaches everyone: a faint spoke to each other instance, as thick as the sender's broadcasts.
    context.globalAlpha = 0.12;
    context.strokeStyle = '#3ee7ff';
    context.setLineDash([3, 5]);
    for (const [from, count] of this.broadcastCounts) {
      const source = this.nodes.get(from);
      if (source === undefined) continue;
      context.lineWidth = Math.min(6, 1 + Math.log2(1 + count) / 2);
      for (const target of this.nodes.values()) {
        if (target === source || target.kind !== 'instance') continue;
        context.beginPath();
        context.moveTo(source.x, source.y);
        context.lineTo(target.x, target.y);
        context.stroke();
      }
    }
    context.setLineDash([]);
    context.globalAlpha = 1;
  }

  /** Particles with a cheap glow (a wider translucent disc, not shadowBlur, which is slow without a GPU). */
  private drawParticles(context: CanvasRenderingContext2D, now: number): void {
    for (const particle of this.particles) {
      const from = this.nodes.get(particle.from);
      const to = this.nodes.get(particle.to);
      if (from === undefined || to === undefined) continue;
      const t = Math.min(1, Math.max(0, (now - particle.born) / PARTICLE_MS));
      const eased = t * t * (3 - 2 * t);
      const x = from.x + (to.x - from.x) * eased;
      const y = from.y + (to.y - from.y) * eased;
      context.fillStyle = particle.color;
      context.globalAlpha = 0.25;
      context.beginPath();
      context.arc(x, y, 6, 0, Math.PI * 2);
      context.fill();
      context.globalAlpha = 1;
      context.beginPath();
      context.arc(x, y, 2.8, 0, Math.PI * 2);
      context.fill();
    }
  }

  /** Returns true while the node animates (a thinking pulse). */
  private drawNode(context: CanvasRenderingContext2D, node: GraphNode, now: number): boolean {
    const { x, y } = node;
    const r = node.kind === 'instance' ? NODE_RADIUS : NODE_RADIUS * 0.75;
    const state = stateColor(node.state);
    const busy = node.kind === 'instance' && (node.state === 'thinking' || node.state === 'tool' || node.state === 'writing');
    const pulse = busy ? 0.5 + 0.5 * Math.sin(now / 180) : 0;
    if (node.id === this.selected) {
      context.strokeStyle = '#ffffff';
      context.lineWidth = 1.5;
      context.beginPath();
      context.arc(x, y, r + 9, 0, Math.PI * 2);
      context.stroke();
    }
    context.lineWidth = 3 + pulse * 2;
    context.strokeStyle = state;
    context.shadowColor = state;
    context.shadowBlur = busy ? 10 + pulse * 12 : 4;
    context.fillStyle = '#0d1726';
    context.beginPath();
    if (node.kind === 'instance') context.roundRect(x - r, y - r * 0.82, r * 2, r * 1.64, r * 0.7);
    else context.arc(x, y, r, 0, Math.PI * 2);
    context.fill();
    context.stroke();
    context.shadowBlur = 0;
    if (node.kind === 'instance') {
      context.fillStyle = node.color;
      context.beginPath();
      context.arc(x - r * 0.35, y - r * 0.1, r * 0.2, 0, Math.PI * 2);
      context.arc(x + r * 0.35, y - r * 0.1, r * 0.2, 0, Math.PI * 2);
      context.fill();
    }
    if (node.state === 'crashed') {
      context.strokeStyle = '#ff5d73';
      context.lineWidth = 2;
      context.beginPath();
      context.moveTo(x - r * 0.5, y - r * 0.5);
      context.lineTo(x + r * 0.5, y + r * 0.5);
      context.moveTo(x + r * 0.5, y - r * 0.5);
      context.lineTo(x - r * 0.5, y + r * 0.5);
      context.stroke();
    }
    const broadcasts = this.broadcastCounts.get(node.id);
    context.fillStyle = '#cfe8ff';
    context.font = '11px ui-monospace, monospace';
    context.textAlign = 'center';
    context.fillText(node.id, x, y + r + 12);
    context.fillStyle = '#6f86a6';
    context.font = '10px ui-monospace, monospace';
    context.fillText(node.kind === 'instance' ? `${node.role}${broadcasts === undefined ? '' : ` · ${broadcasts} to all`}` : node.kind, x, y + r + 24);
    context.textAlign = 'start';
    return busy;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.canvas.removeEventListener('click', this.onClick);
    this.simulation.stop();
  }
}
