import { render } from 'preact';
import { ClientState } from './client-state.js';
import { App } from './components/app.js';

// The server answered this page with the token's cookie: the token need not stay in the address bar and history.
if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', `${location.pathname}${location.hash}`);

const client = new ClientState();
const root = document.getElementById('app');
if (root !== null) {
  render(<App client={client} />, root);
  void client.start();
}
addEventListener('pagehide', () => client.close());
