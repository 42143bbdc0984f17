import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import type { AppUserEnvironment, DatabaseCredentials } from './handler';

/** A paused Serverless v2 cluster resumes on the first connection, in about 15 seconds; allow several tries. */
const CONNECT_ATTEMPTS = 8;
const CONNECT_TIMEOUT_MS = 20_000;

/**
 * Secrets from Secrets Manager; connections over TLS, the server's certificate
 * checked against the RDS certificate authorities (NODE_EXTRA_CA_CERTS names
 * the Lambda runtime's bundle of them).
 */
export function awsEnvironment(): AppUserEnvironment {
  const secrets = new SecretsManagerClient({});
  return {
    async readSecret(arn) {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
      return JSON.parse(SecretString ?? '{}') as DatabaseCredentials;
    },
    async connect(credentials, database) {
      for (let attempt = 1; ; attempt++) {
        const client = new Client({
          host: credentials.host, port: Number(credentials.port), user: credentials.username, password: credentials.password, database,
          ssl: { rejectUnauthorized: true, servername: credentials.host },
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          statement_timeout: 30_000,
          application_name: 'data-tier-app-user',
        });
        try {
          await client.connect();
          return client;
        } catch (error) {
          await client.end().catch(() => undefined);
          if (attempt >= CONNECT_ATTEMPTS) throw error;
          console.log(JSON.stringify({ attempt, retrying: String(error) }));
          await new Promise((resolve) => setTimeout(resolve, 5_000));
        }
      }
    },
  };
}
