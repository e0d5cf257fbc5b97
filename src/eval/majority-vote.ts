import { type CodeLocation, locationsMatch } from './code-location.js';
import { type Finding, LINE_TOLERANCE } from './score-findings.js';

interface Cluster {
  locations: CodeLocation[];
  voters: Set<number>;
  first: Finding;
}

function clusterFor(clusters: Cluster[], location: CodeLocation, tolerance: number): Cluster | undefined {
  return clusters.find((cluster) => cluster.locations.some((member) => locationsMatch(member, location, tolerance)));
}

/**
 * Merges the findings of independent voters by majority on `path:line`: locations within `tolerance` lines of
 * each other in one file are one place; a place reported by more than half of the voters is kept, as one
 * finding at the location first reported there. Findings without a location cannot be voted on and are dropped.
 */
export function majorityVote(answers: ReadonlyArray<readonly Finding[]>, tolerance = LINE_TOLERANCE): Finding[] {
  const clusters: Cluster[] = [];
  answers.forEach((findings, voter) => {
    for (const finding of findings) {
      for (const location of finding.locations) {
        const cluster = clusterFor(clusters, location, tolerance);
        if (cluster === undefined) clusters.push({ locations: [location], voters: new Set([voter]), first: finding });
        else {
          cluster.locations.push(location);
          cluster.voters.add(voter);
        }
      }
    }
  });
  return clusters
    .filter((cluster) => cluster.voters.size * 2 > answers.length)
    .map((cluster, index) => ({
      id: `vote_${index + 1}`,
      author: `${cluster.voters.size} of ${answers.length} voters`,
      content: cluster.first.content,
      locations: cluster.locations.slice(0, 1),
    }));
}
