import { isLoopback } from './loopback';

it('knows loopback host names and socket addresses, and nothing else', () => {
  for (const yes of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '::ffff:127.0.0.1']) expect({ yes, is: isLoopback(yes) }).toEqual({ yes, is: true });
  for (const no of [undefined, '', 'localhost.evil.test', '127.0.0.1.evil.test', '128.0.0.1', '10.0.0.1', '[::2]', '::ffff:10.0.0.1', '0.0.0.0', 'evil-127.0.0.1', '127.0.0.256', '127.00.0.1']) expect({ no, is: isLoopback(no) }).toEqual({ no, is: false });
});
