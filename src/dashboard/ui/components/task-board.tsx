import type { Task } from '../../../protocol/index.js';
import type { ClientState } from '../client-state.js';
import { shortTime } from '../format.js';
import { useClient } from '../use-client.js';

const COLUMNS = ['open', 'claimed', 'done', 'failed'] as const;
const SHOWN_PER_COLUMN = 60;

function TaskCard({ task }: { task: Task }) {
  return (
    <li class={`task task-${task.state}`} data-task-id={task.id} data-task-state={task.state}>
      <div class="task-title">{task.title}</div>
      <div class="task-meta">
        {task.owner === null ? (task.requiredRole === null ? 'anyone' : `for a ${task.requiredRole}`) : task.owner}
        {task.attempts > 1 ? ` · attempt ${task.attempts}` : ''} · {shortTime(task.updatedAt)}
      </div>
      {task.result !== null && task.result !== '' && <div class="task-result">{task.result}</div>}
      {task.evidence.length > 0 && (
        <ul class="evidence">
          {task.evidence.slice(0, 6).map((item, index) => (
            <li key={index}>{item}</li>
          ))}
          {task.evidence.length > 6 && <li class="muted">+{task.evidence.length - 6} more</li>}
        </ul>
      )}
    </li>
  );
}

export function TaskBoard({ client }: { client: ClientState }) {
  const view = useClient(client).shown;
  const tasks = Object.values(view.tasks).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return (
    <div class="task-board" data-testid="task-board">
      {COLUMNS.map((state) => {
        const column = tasks.filter((task) => task.state === state);
        return (
          <div key={state} class="task-column" data-column={state}>
            <h3>
              {state} <span class="muted">{column.length}</span>
            </h3>
            <ul>
              {column.slice(0, SHOWN_PER_COLUMN).map((task) => (
                <TaskCard key={task.id} task={task} />
              ))}
              {column.length > SHOWN_PER_COLUMN && <li class="muted">+{column.length - SHOWN_PER_COLUMN} more</li>}
            </ul>
          </div>
        );
      })}
    </div>
  );
}
