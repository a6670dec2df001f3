// The Hocuspocus peer of the collab benchmark: a bare @hocuspocus/server (no persistence, no auth, no extensions),
// documents in memory, on 127.0.0.1.   node hocuspocus-server.mjs PORT   (prints "ready" when it listens)
import { Server } from '@hocuspocus/server';

const port = Number(process.argv[2]);
const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: true });
await server.listen();
console.log(`ready on ${port}`);
