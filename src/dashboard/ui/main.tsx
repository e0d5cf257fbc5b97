import { render } from 'preact';
import { ClientState } from './client-state.js';
import { App } from './components/app.js';

const client = new ClientState();
const root = document.getElementById('app');
if (root !== null) {
  render(<App client={client} />, root);
  void client.start();
}
addEventListener('pagehide', () => client.close());
