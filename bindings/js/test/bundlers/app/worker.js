import { workerMain } from './app.js';

workerMain({});
