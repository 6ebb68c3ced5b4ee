import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { generateReleaseKey, publicKeyOf, signMetadata, keyIdOf } from '@outpost/protocol/node';
import type { ManifestBody, RootBody, SignedManifest } from '@outpost/protocol';

// Offline release tooling: runs on the releaser's machine, needs no hub. Keys never leave it.

const list = (v: string, prev: string[] = []) => [...prev, v];
const readKeys = (files: string[] = []) => files.map((f) => readFileSync(f, 'utf8'));
const isoIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function sha256Of(file: string): Promise<{ sha256: string; length: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), length: (await stat(file)).size };
}

export function registerReleaseCommands(artifacts: Command) {
  artifacts
    .command('keygen')
    .description('make an Ed25519 release key (keep the .key file offline; share the .pub)')
    .requiredOption('--out <file>', 'private key file to write (0600); the public key goes to <file>.pub')
    .action((o: { out: string }) => {
      const k = generateReleaseKey();
      writeFileSync(o.out, k.privateKeyPem, { mode: 0o600, flag: 'wx' });
      writeFileSync(`${o.out}.pub`, k.publicKeyPem, { flag: 'wx' });
      console.log(`release key ${k.keyid}\n  private: ${o.out}\n  public:  ${o.out}.pub`);
    });

  artifacts
    .command('root')
    .description('make an update trust root signed offline: the keys devices trust and how many must sign')
    .option('--key <file>', 'private key listed in the root and signing it (repeat)', list)
    .option('--public <file>', 'public key listed in the root without signing now (repeat)', list)
    .option('--sign-with <file>', 'private key of the previous root, for a rotation (repeat)', list)
    .option('--threshold <n>', 'signatures a release needs', (v) => Number(v), 1)
    .option('--root-version <n>', 'root version: 1, then one more for each rotation', (v) => Number(v), 1)
    .option('--expires-days <n>', 'days until the root expires', (v) => Number(v), 365)
    .requiredOption('--out <file>', 'root JSON to write')
    .action(
      (o: {
        key?: string[];
        public?: string[];
        signWith?: string[];
        threshold: number;
        rootVersion: number;
        expiresDays: number;
        out: string;
      }) => {
        const signers = readKeys(o.key);
        const pubs = [...signers.map(publicKeyOf), ...readKeys(o.public)];
        if (pubs.length === 0) throw new Error('list at least one key (--key or --public)');
        const body: RootBody = {
          type: 'root',
          version: o.rootVersion,
          expires: isoIn(o.expiresDays),
          threshold: o.threshold,
          keys: pubs.map((p) => ({ keyid: keyIdOf(p), publicKeyPem: p })),
        };
        const signatures = [...signers, ...readKeys(o.signWith)].map((k) => signMetadata(body, k));
        writeFileSync(o.out, JSON.stringify({ signed: body, signatures }, null, 2) + '\n');
        console.log(
          `root v${body.version}: ${pubs.length} key(s), threshold ${body.threshold}, ${signatures.length} signature(s), expires ${body.expires} → ${o.out}`,
        );
      },
    );

  artifacts
    .command('sign')
    .description('sign a release manifest on this machine (the hub never sees the key)')
    .option('--key <file>', 'release private key (repeat for a threshold)', list)
    .option('--file <image>', 'the image: its SHA-256 and length go into the manifest')
    .option(
      '--manifest <json>',
      'sign this manifest (from `outpost artifacts unsigned-manifest`, or add a signature to a signed one)',
    )
    .option('--name <name>')
    .option('--version <semver>')
    .option('--kind <kind>', 'firmware | app | file | agent', 'firmware')
    .option('--models <list>', 'compatible models, comma-separated')
    .option('--min-version <semver>', 'the device must already run at least this')
    .option('--counter <n>', 'anti-rollback counter (never lower than a previous release)', (v) => Number(v))
    .option('--expires-days <n>', 'days until the manifest expires', (v) => Number(v), 365)
    .requiredOption('--out <file>', 'signed manifest JSON to write')
    .action(
      async (o: {
        key?: string[];
        file?: string;
        manifest?: string;
        name?: string;
        version?: string;
        kind: string;
        models?: string;
        minVersion?: string;
        counter?: number;
        expiresDays: number;
        out: string;
      }) => {
        if (!o.key?.length) throw new Error('give at least one --key');
        let signed: ManifestBody;
        let existing: SignedManifest['signatures'] = [];
        if (o.manifest) {
          const m = JSON.parse(readFileSync(o.manifest, 'utf8')) as ManifestBody | SignedManifest;
          signed = 'signed' in m ? m.signed : m;
          existing = 'signatures' in m ? m.signatures : [];
        } else {
          if (!o.file || !o.name || !o.version || !o.models || o.counter === undefined)
            throw new Error('without --manifest, give --file, --name, --version, --models and --counter');
          signed = {
            type: 'manifest',
            name: o.name,
            version: o.version,
            kind: o.kind as ManifestBody['kind'],
            ...(await sha256Of(o.file)),
            models: o.models
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            ...(o.minVersion ? { minVersion: o.minVersion } : {}),
            counter: o.counter,
            issuedAt: new Date().toISOString(),
            expires: isoIn(o.expiresDays),
          };
        }
        if (o.file && o.manifest) {
          const h = await sha256Of(o.file);
          if (h.sha256 !== signed.sha256 || h.length !== signed.length)
            throw new Error(`${o.file} is not the image this manifest describes`);
        }
        const fresh = readKeys(o.key).map((k) => signMetadata(signed, k));
        const signatures = [...existing.filter((s) => !fresh.some((f) => f.keyid === s.keyid)), ...fresh];
        writeFileSync(o.out, JSON.stringify({ signed, signatures }, null, 2) + '\n');
        console.log(
          `${signed.name} ${signed.version} (${signed.length} bytes, sha256 ${signed.sha256.slice(0, 16)}…) signed by ${signatures.length} key(s) → ${o.out}`,
        );
      },
    );
}
