// Electron's entry (bundled by electron-vite). The shell lives in app/; the engine knows nothing of it.
import './app/main.ts';
