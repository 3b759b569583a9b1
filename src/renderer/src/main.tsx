import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudioClient } from './api/client.ts';
import { App } from './App.tsx';
import { bindStoreToClient, createStudioStore } from './store/index.ts';
import { StudioStoreProvider } from './store/context.tsx';
import './styles.css';

// One client and one store for the life of the page, created outside React so that
// StrictMode's double effects cannot open a second connection.
const client = createStudioClient();
const store = createStudioStore(client, { devtools: import.meta.env.DEV });
bindStoreToClient(store, client);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <StudioStoreProvider store={store}>
      <App onReconnect={() => client.reconnect()} />
    </StudioStoreProvider>
  </StrictMode>,
);
