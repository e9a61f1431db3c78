// Prints the argon2id hash of a password, for a collector account in config/*.yaml:
//   npm run hash-password -- 'the collector password'
//   collectors:
//     - { depot: K101, passwordHash: "<the line printed>" }
import { argon2Hasher } from '../server/src/adapters/argon2.js';

const password = process.argv[2];
if (!password || password.length < 12) {
  console.error('usage: npm run hash-password -- <password of at least 12 characters>');
  process.exit(2);
}
console.log(await argon2Hasher.hash(password));
