import { useState } from 'preact/hooks';
import type { Message } from '../../../protocol/index.js';
import type { ClientState } from '../client-state.js';
import { compactNumber } from '../format.js';
import { useClient } from '../use-client.js';
import { Budgets } from './budgets.js';
import { ChangesPanel } from './changes-panel.js';
import { InstanceList } from './instance-list.js';
import { MemoryPanel } from './memory-panel.js';
import { MessageDetail } from './message-detail.js';
import { NetworkView } from './network-view.js';
import { Proposals } from './proposals.js';
import { ReplayBar } from './replay-bar.js';
import { SendBox } from './send-box.js';
import { TaskBoard } from './task-board.js';
import { Timeline } from './timeline.js';

const TABS = ['tasks', 'votes', 'changes', 'memory', 'budgets'] as const;
type Tab = (typeof TABS)[number];

export function App({ client }: { client: ClientState }) {
  const snapshot = useClient(client);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('tasks');
  const [opened, setOpened] = useState<Message | null>(null);
  const view = snapshot.shown;
  const tasks = Object.values(view.tasks);
  const done = tasks.filter((task) => task.state === 'done').length;
  const openProposals = Object.values(view.proposals).filter((proposal) => proposal.state === 'open').length;

  return (
    <div class="app" data-ready={snapshot.loaded ? 'true' : 'false'} data-mode={snapshot.replay === null ? 'live' : 'replay'}>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true" />
          TACHIKOMA
        </div>
        <div class="goal" title={snapshot.run?.goal ?? ''}>
          {snapshot.run?.goal ?? ''}
        </div>
        <div class="stats">
          <span data-testid="message-count" data-count={view.messages.count}>
            {compactNumber(view.messages.count)} messages
          </span>
          <span>
            {done}/{tasks.length} tasks done
          </span>
          <span>{view.memory.count} memories</span>
          <span>{openProposals} open votes</span>
          <span class={`connection ${snapshot.connected ? 'on' : 'off'}`} data-testid="connection">
            {snapshot.replay !== null ? 'replay' : snapshot.connected ? 'live' : 'reconnecting'}
          </span>
        </div>
      </header>
      <div class="banner error" role="status">
        {snapshot.error}
      </div>
      <main class="grid">
        <div class="column left">
          <NetworkView client={client} selected={selected} onSelect={(id) => setSelected(id)} />
          <InstanceList client={client} selected={selected} onSelect={setSelected} />
        </div>
        <div class="column middle">
          <Timeline client={client} onOpen={setOpened} />
          {opened !== null && <MessageDetail message={opened} onClose={() => setOpened(null)} />}
          <SendBox client={client} />
        </div>
        <div class="column right">
          <nav class="tabs">
            {TABS.map((name) => (
              <button key={name} type="button" class={tab === name ? 'active' : ''} data-tab={name} onClick={() => setTab(name)}>
                {name}
              </button>
            ))}
          </nav>
          <section class="panel tab-body">
            {tab === 'tasks' && <TaskBoard client={client} />}
            {tab === 'votes' && <Proposals client={client} />}
            {tab === 'changes' && <ChangesPanel client={client} />}
            {tab === 'memory' && <MemoryPanel client={client} />}
            {tab === 'budgets' && <Budgets client={client} />}
          </section>
        </div>
      </main>
      <ReplayBar client={client} />
    </div>
  );
}
