import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleScanner } from './console.scanner.js';

const enc = (s: string) => new TextEncoder().encode(s);

test('spots login, username and password prompts once per line', () => {
  const s = new ConsoleScanner({ port: 'ttyS0' });
  const ev = [
    ...s.push(enc('\r\nWelcome to RTU-42\r\nrtu42 login: '), 1),
    ...s.push(enc(' '), 2),
    ...s.push(enc('operator\r\nPass'), 3),
    ...s.push(enc('word: '), 4),
    ...s.push(enc('\r\n\x1b[1mUsername:\x1b[0m '), 5),
  ];
  assert.deepEqual(
    ev.map((e) => e.prompt),
    ['login', 'password', 'username'],
  );
  assert.equal(ev[0].port, 'ttyS0');
  assert.equal(ev[0].type, 'guard.login_prompt');
});

test('reports plain-text credentials without the secret', () => {
  const s = new ConsoleScanner();
  const lines = [
    'set password=Hunter22 for admin\n',
    'default login admin/S3cret!\n',
    'ftp://plc:topsecret@10.0.0.9/config\n',
    'cd /usr/local/bin\n',
    'the password policy requires 8 characters\n',
  ];
  const ev = lines.flatMap((l, i) => s.push(enc(l), i));
  assert.deepEqual(
    ev.map((e) => e.pattern),
    ['password_assignment', 'user_slash_password', 'url_userinfo'],
  );
  const all = JSON.stringify(ev);
  for (const secret of ['Hunter22', 'S3cret', 'topsecret']) assert.ok(!all.includes(secret));
});

test('a never-ending line stays bounded', () => {
  const s = new ConsoleScanner({ maxLine: 64 });
  for (let i = 0; i < 1000; i++) s.push(new Uint8Array(1000).fill(0x41), i);
  const ev = s.push(enc(' login: '), 1001);
  assert.equal(ev[0]?.prompt, 'login');
});
