// Creates the application's own database user at deploy, as the master user:
// LOGIN, no superuser, no CREATEDB or CREATEROLE, allowed to connect to the
// application database and to use and create in its public schema. Called by
// CDK's custom-resource provider framework, which answers CloudFormation: this
// function runs in the VPC and returns its result only.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';

/** The custom resource's properties. */
export interface AppUserProperties {
  readonly MasterSecretArn: string;
  readonly AppSecretArn: string;
  readonly Username: string;
  readonly Database: string;
}

/** What the provider framework passes to the handler. */
export interface AppUserEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: AppUserProperties;
}

/** Runs one statement; `pg.Client` has this shape (and so has PGlite, which the tests use). */
export interface Sql {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The JSON an RDS secret holds (the fields read here). */
export interface DatabaseCredentials {
  readonly username: string;
  readonly password: string;
  readonly host?: string;
  readonly port?: number | string;
}

/** What {@link ensureAppUser} is asked to do. */
export interface AppUserRequest {
  readonly username: string;
  readonly database: string;
  /** The application secret's current value: after a multi-user rotation it may name the `_clone` user. */
  readonly credentials: DatabaseCredentials;
  /** Set the user's password from the secret when the user already exists (a Create); never on Update, where rotation owns it. */
  readonly resetPassword: boolean;
}

const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, 7677):
 * sent instead of the password, so that no log line (a failed statement is
 * logged with its text) can ever hold the password itself. The generated
 * passwords are printable ASCII, which SASLprep leaves unchanged.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Makes the application user exist with its grants; safe to run again on every
 * deployment. Returns what it did, for the log (never a password).
 */
export async function ensureAppUser(sql: Sql, request: AppUserRequest): Promise<string[]> {
  const { username, database, credentials } = request;
  const user = escapeIdentifier(username);
  const done: string[] = [];
  const exists = (await sql.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username])).rows.length > 0;
  // The secret holds this user's password unless a rotation has moved it to the clone.
  const password = credentials.username === username ? `PASSWORD ${escapeLiteral(scramVerifier(credentials.password))}` : '';
  if (!exists) {
    await sql.query(`CREATE ROLE ${user} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ${password}`.trim());
    done.push(`created ${username}`);
  } else if (request.resetPassword && password) {
    await sql.query(`ALTER ROLE ${user} WITH LOGIN ${password}`);
    done.push(`set the password of ${username}`);
  }
  await sql.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${escapeIdentifier(database)} TO ${user}`);
  await sql.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${user}`);
  done.push(`granted ${username} connect to ${database} and use of schema public`);
  // pgaudit's event triggers record the objects DDL touches; Aurora offers the extension once the library is preloaded.
  const pgaudit = (await sql.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pgaudit'")).rows.length > 0;
  if (pgaudit) {
    await sql.query('CREATE EXTENSION IF NOT EXISTS pgaudit');
    done.push('pgaudit extension present');
  }
  return done;
}

/** What the handler reads and connects with: AWS in Lambda, fakes in tests. */
export interface AppUserEnvironment {
  readSecret(arn: string): Promise<DatabaseCredentials>;
  connect(credentials: DatabaseCredentials, database: string): Promise<Sql & { end(): Promise<void> }>;
}

/** Handles one request; throws on failure (the provider framework reports it to CloudFormation). */
export async function handle(event: AppUserEvent, env: AppUserEnvironment): Promise<{ PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const physicalId = `app-user:${props.Username}`;
  // The user stays on delete: a retained cluster keeps serving the application, a deleted one takes it along.
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId };
  const master = await env.readSecret(props.MasterSecretArn);
  const credentials = await env.readSecret(props.AppSecretArn);
  const sql = await env.connect(master, props.Database);
  try {
    const done = await ensureAppUser(sql, { username: props.Username, database: props.Database, credentials, resetPassword: event.RequestType === 'Create' });
    console.log(JSON.stringify({ request: event.RequestType, done }));
  } finally {
    await sql.end();
  }
  return { PhysicalResourceId: physicalId };
}

/** Lambda entry point. */
export async function handler(event: AppUserEvent): Promise<{ PhysicalResourceId: string }> {
  // Loaded here: the tests of this file use neither the SDK nor a network connection.
  const { awsEnvironment }: { awsEnvironment: () => AppUserEnvironment } = require('./aws');
  return handle(event, awsEnvironment());
}
