import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import { mark, prefetchStartup } from './api';

mark('script');
prefetchStartup();
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
