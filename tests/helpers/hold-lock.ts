// Child process for the lock test: takes the index's write lock, says so, and holds it until killed.
import { lockIndex } from '../../retrieval/stores/embedded/store.ts';

await lockIndex(process.argv[2]!);
process.stdout.write('locked\n');
setInterval(() => {}, 1000);
