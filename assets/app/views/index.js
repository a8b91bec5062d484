// The routes of the interface: a pattern on the hash path and its view.
import { homeView } from './home.js';
import { loginView, registerView, setPasswordView } from './auth.js';

export const views = [
  [/^\/$/, homeView],
  [/^\/login$/, loginView],
  [/^\/register$/, registerView],
  [/^\/set-password$/, setPasswordView],
];
