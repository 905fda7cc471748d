// npm start: until the HTTP service lands (issue: the HTTP service), show one complete draw on a synthetic pool.
import { runDemo } from './demo.js';

console.log('expert-draw — the HTTP service is not built yet; this is the draw engine on a synthetic pool.\n');
runDemo({ size: 10_000, seed: 'demo', count: 3 }, (line) => console.log(line));
console.log('\nMore: `npx expert-draw demo --help`, `npm test`, `npm run bench -- --suite engine`, docs/draw-proof.md.');
