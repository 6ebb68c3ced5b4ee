import {
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type SqliteDialectConfig,
} from 'kysely';

// Kysely's SQLite driver guards its single connection with a mutex whose unlock wakes every
// waiter; all but one go back to waiting. With thousands of queries queued (a fleet reconnecting
// at once) each unlock costs as much as the queue is long: the hub spent most of a 10,000-device
// connect in that loop and its API stopped answering. Waiters here queue in order and exactly one
// is woken per release, so the inner driver's mutex is never contended.

type CompileQuery = QueryCompiler['compileQuery'];

/** A first-in, first-out lock: `unlock` hands the lock to the longest waiter. */
export class FifoLock {
  #locked = false;
  #waiters: Array<() => void> = [];
  #head = 0;

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    if (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head];
      this.#head++;
      // Drop the consumed prefix now and then instead of shifting on every release.
      if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
        this.#waiters = this.#waiters.slice(this.#head);
        this.#head = 0;
      }
      next();
    } else {
      this.#waiters = [];
      this.#head = 0;
      this.#locked = false;
    }
  }

  /** Queries waiting for the connection now. */
  get waiting(): number {
    return this.#waiters.length - this.#head;
  }
}

class FifoSqliteDriver implements Driver {
  readonly #inner: SqliteDriver;
  readonly #lock = new FifoLock();

  constructor(inner: SqliteDriver) {
    this.#inner = inner;
  }

  init() {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.lock();
    return this.#inner.acquireConnection();
  }
  async releaseConnection() {
    await this.#inner.releaseConnection();
    this.#lock.unlock();
  }
  beginTransaction(c: DatabaseConnection) {
    return this.#inner.beginTransaction(c);
  }
  commitTransaction(c: DatabaseConnection) {
    return this.#inner.commitTransaction(c);
  }
  rollbackTransaction(c: DatabaseConnection) {
    return this.#inner.rollbackTransaction(c);
  }
  savepoint(c: DatabaseConnection, name: string, compile: CompileQuery) {
    return this.#inner.savepoint(c, name, compile);
  }
  rollbackToSavepoint(c: DatabaseConnection, name: string, compile: CompileQuery) {
    return this.#inner.rollbackToSavepoint(c, name, compile);
  }
  releaseSavepoint(c: DatabaseConnection, name: string, compile: CompileQuery) {
    return this.#inner.releaseSavepoint(c, name, compile);
  }
  destroy() {
    return this.#inner.destroy();
  }
}

/** Kysely's SQLite dialect with a first-in, first-out wait for the single connection. */
export class FifoSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new FifoSqliteDriver(new SqliteDriver(this.#config));
  }
}
