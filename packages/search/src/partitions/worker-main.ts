// The script a partition worker runs when no other entry serves as one (see worker-host.ts).
import { servePartitionsIfWorker } from './worker-host';

servePartitionsIfWorker();
