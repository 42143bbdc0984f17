import { createHash, createHmac } from 'crypto';
import type { PGlite } from '@electric-sql/pglite';
import { AppUserEnvironment, AppUserEvent, DatabaseCredentials, ensureAppUser, handle, scramVerifier, Sql } from '../../lib/data-tier/app-user/handler';
import { freshPostgres } from './fresh-postgres';

// The handler's SQL runs against PostgreSQL itself (PGlite: PostgreSQL compiled
// to WebAssembly, in this process), as the master user would run it on Aurora.
let db: PGlite;
beforeAll(async () => { db = await freshPostgres(); });
afterAll(async () => { await db.close(); });

const rowsOf = async (text: string, params: unknown[] = []) => (await db.query<Record<string, unknown>>(text, params)).rows;
/** The statements a run sent, in order, passed on to PostgreSQL. */
function recording(): Sql & { statements: string[] } {
  const statements: string[] = [];
  return { statements, query: async (text, params) => { statements.push(text); return db.query(text, params); } };
}
const roleOf = async (name: string) => (await rowsOf('SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolpassword FROM pg_authid WHERE rolname = $1', [name]))[0];
const can = async (name: string, privilege: string) => (await rowsOf(`SELECT has_database_privilege($1, 'postgres', $2) AS ok`, [name, privilege]))[0].ok;
const canSchema = async (name: string, privilege: string) => (await rowsOf(`SELECT has_schema_privilege($1, 'public', $2) AS ok`, [name, privilege]))[0].ok;

/** Whether `password` logs in against a stored SCRAM-SHA-256 verifier, as PostgreSQL checks it (RFC 5802 section 3). */
function scramAccepts(verifier: string, password: string): boolean {
  const [, iterations, salt, storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
  const salted = require('crypto').pbkdf2Sync(password, Buffer.from(salt, 'base64'), Number(iterations), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return createHash('sha256').update(clientKey).digest('base64') === storedKey
    && createHmac('sha256', salted).update('Server Key').digest('base64') === serverKey;
}

describe('the SCRAM-SHA-256 verifier sent instead of the password', () => {
  test('matches RFC 7677\'s example exchange: the client proof and server signature for "pencil" check out against it', () => {
    const verifier = scramVerifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    const [, , , storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$/);
    const authMessage = 'n=user,r=rOprNGfwEbeRWgbNEkqO,'
      + 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,'
      + 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const clientSignature = createHmac('sha256', Buffer.from(storedKey, 'base64')).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]));
    expect(createHash('sha256').update(clientKey).digest('base64')).toBe(storedKey);
    expect(createHmac('sha256', Buffer.from(serverKey, 'base64')).update(authMessage).digest('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  test('a fresh salt each time', () => expect(scramVerifier('p')).not.toBe(scramVerifier('p')));
});

describe('creating the application user in PostgreSQL', () => {
  const credentials = (username: string, password = "s3cret-'pass") => ({ username, password });

  test('a login role with no admin powers, the secret\'s password (as a verifier) and the least grants: connect, temporary tables, use and create in public', async () => {
    const sql = recording();
    const done = await ensureAppUser(sql, { username: 'app_one', database: 'postgres', credentials: credentials('app_one'), resetPassword: true });
    expect(done).toEqual(['created app_one', 'granted app_one connect to postgres and use of schema public']);
    const role = await roleOf('app_one');
    expect(role).toMatchObject({ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false });
    expect(scramAccepts(String(role.rolpassword), "s3cret-'pass")).toBe(true);
    expect(scramAccepts(String(role.rolpassword), 'another')).toBe(false);
    expect(sql.statements.join('\n')).not.toContain('s3cret');
    expect([await can('app_one', 'CONNECT'), await can('app_one', 'TEMPORARY'), await can('app_one', 'CREATE')]).toEqual([true, true, false]);
    expect([await canSchema('app_one', 'USAGE'), await canSchema('app_one', 'CREATE')]).toEqual([true, true]);
  });

  test('the user creates its own tables and cannot read the master user\'s', async () => {
    await ensureAppUser(recording(), { username: 'app_two', database: 'postgres', credentials: credentials('app_two'), resetPassword: true });
    await db.exec('CREATE TABLE admin_only (secret text)');
    await db.exec('SET ROLE app_two');
    try {
      await db.exec('CREATE TABLE orders (id int)');
      await expect(db.query('SELECT * FROM admin_only')).rejects.toThrow('permission denied for table admin_only');
      await expect(db.exec('CREATE ROLE sneaky')).rejects.toThrow('permission denied to create role');
    } finally {
      await db.exec('RESET ROLE');
    }
  });

  test('a redeploy (Update) changes nothing: no password reset, grants kept, no error', async () => {
    await ensureAppUser(recording(), { username: 'app_three', database: 'postgres', credentials: credentials('app_three', 'first'), resetPassword: true });
    const before = (await roleOf('app_three')).rolpassword;
    const sql = recording();
    const done = await ensureAppUser(sql, { username: 'app_three', database: 'postgres', credentials: credentials('app_three', 'rotated-since'), resetPassword: false });
    expect(done).toEqual(['granted app_three connect to postgres and use of schema public']);
    expect((await roleOf('app_three')).rolpassword).toBe(before);
    expect(sql.statements.some((s) => /CREATE ROLE|ALTER ROLE/.test(s))).toBe(false);
    expect(await canSchema('app_three', 'CREATE')).toBe(true);
  });

  test('a Create that finds the user (a retried create, a restored snapshot) sets the secret\'s password', async () => {
    await ensureAppUser(recording(), { username: 'app_four', database: 'postgres', credentials: credentials('app_four', 'old'), resetPassword: true });
    const done = await ensureAppUser(recording(), { username: 'app_four', database: 'postgres', credentials: credentials('app_four', 'new'), resetPassword: true });
    expect(done[0]).toBe('set the password of app_four');
    expect(scramAccepts(String((await roleOf('app_four')).rolpassword), 'new')).toBe(true);
  });

  test('after a rotation moved the secret to the clone, the user\'s own password is never touched', async () => {
    await ensureAppUser(recording(), { username: 'app_five', database: 'postgres', credentials: credentials('app_five', 'mine'), resetPassword: true });
    const sql = recording();
    await ensureAppUser(sql, { username: 'app_five', database: 'postgres', credentials: credentials('app_five_clone', 'clone'), resetPassword: true });
    expect(scramAccepts(String((await roleOf('app_five')).rolpassword), 'mine')).toBe(true);
    expect(sql.statements.some((s) => s.includes('PASSWORD'))).toBe(false);
  });

  test('names are quoted as identifiers: an odd name is a name, not SQL', async () => {
    await ensureAppUser(recording(), { username: 'app"; DROP TABLE x; --', database: 'postgres', credentials: credentials('nobody'), resetPassword: true });
    expect(await roleOf('app"; DROP TABLE x; --')).toMatchObject({ rolcanlogin: true, rolpassword: null });
  });

  test('pgaudit\'s extension is created only where the server offers it (Aurora with the library preloaded; not this PostgreSQL)', async () => {
    const sql = recording();
    await ensureAppUser(sql, { username: 'app_six', database: 'postgres', credentials: credentials('app_six'), resetPassword: true });
    expect(sql.statements).toContain("SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit'");
    expect(sql.statements).not.toContain('CREATE EXTENSION IF NOT EXISTS pgaudit');
    const offered: Sql = { query: async (text, params) => (text.includes('pg_available_extensions') ? { rows: [{}] } : sql.query(text, params)) };
    await ensureAppUser(offered, { username: 'app_six', database: 'postgres', credentials: credentials('app_six'), resetPassword: false }).catch(() => undefined);
    expect(sql.statements).toContain('CREATE EXTENSION IF NOT EXISTS pgaudit');
  });
});

describe('the custom resource handler', () => {
  const SECRETS: Record<string, DatabaseCredentials> = {
    'arn:master': { username: 'data_admin', password: 'admin-pw', host: 'db.example', port: 5433 },
    'arn:app': { username: 'app_seven', password: 'app-pw', host: 'db.example', port: 5433 },
  };
  const event = (RequestType: AppUserEvent['RequestType']): AppUserEvent => ({
    RequestType, PhysicalResourceId: RequestType === 'Create' ? undefined : 'app-user:app_seven',
    ResourceProperties: { MasterSecretArn: 'arn:master', AppSecretArn: 'arn:app', Username: 'app_seven', Database: 'postgres' },
  });
  function environment(failing = false) {
    const log = { secrets: [] as string[], connections: [] as string[], ended: 0 };
    const env: AppUserEnvironment = {
      async readSecret(arn) { log.secrets.push(arn); return SECRETS[arn]; },
      async connect(credentials, database) {
        log.connections.push(`${credentials.username}@${credentials.host}:${credentials.port}/${database}`);
        return { query: async (text, params) => { if (failing) throw new Error('boom'); return db.query(text, params); }, end: async () => { log.ended += 1; } };
      },
    };
    return { env, log };
  }

  test('Create logs in as the master user to the application database, creates the user, closes the connection', async () => {
    const { env, log } = environment();
    expect(await handle(event('Create'), env)).toEqual({ PhysicalResourceId: 'app-user:app_seven' });
    expect(log).toEqual({ secrets: ['arn:master', 'arn:app'], connections: ['data_admin@db.example:5433/postgres'], ended: 1 });
    expect(scramAccepts(String((await roleOf('app_seven')).rolpassword), 'app-pw')).toBe(true);
  });

  test('Update runs again harmlessly; Delete leaves the user and touches nothing', async () => {
    const { env, log } = environment();
    expect(await handle(event('Update'), env)).toEqual({ PhysicalResourceId: 'app-user:app_seven' });
    expect(await handle(event('Delete'), env)).toEqual({ PhysicalResourceId: 'app-user:app_seven' });
    expect(log.connections).toHaveLength(1);
    expect(await roleOf('app_seven')).toBeDefined();
  });

  test('a failure is thrown (the provider framework fails the deployment with it), the connection closed', async () => {
    const { env, log } = environment(true);
    await expect(handle(event('Create'), env)).rejects.toThrow('boom');
    expect(log.ended).toBe(1);
  });
});
