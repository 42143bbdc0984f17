import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ServerlessApi } from './serverless-api';
import { ServerlessApiProps } from './serverless-api-props';

/** Props of {@link ServerlessApiStack}. */
export interface ServerlessApiStackProps extends StackProps {
  /**
   * Props of the API.
   * @default the ServerlessApi defaults (IAM authorization)
   */
  readonly api?: ServerlessApiProps;
}

/** Deploys a {@link ServerlessApi} and outputs its URL (and table name, when it has a table). */
export class ServerlessApiStack extends Stack {
  readonly api: ServerlessApi;

  constructor(scope: Construct, id: string, props: ServerlessApiStackProps = {}) {
    super(scope, id, props);
    this.api = new ServerlessApi(this, 'ServerlessApi', props.api);
    new CfnOutput(this, 'ApiUrl', this.api.servesItems
      ? { value: `${this.api.api.url}items`, description: 'Items endpoint' }
      : { value: this.api.api.url, description: 'Root of the API' });
    if (this.api.table) new CfnOutput(this, 'TableName', { value: this.api.table.tableName, description: 'DynamoDB table of the API' });
    new CfnOutput(this, 'AuthorizationMode', { value: this.api.authorization, description: 'How to call the API' });
    if (props.api?.corsOrigins) new CfnOutput(this, 'AllowedOrigins', { value: props.api.corsOrigins.join(','), description: 'Origins allowed by CORS' });
    if (this.api.apiKey) new CfnOutput(this, 'ApiKeyId', { value: this.api.apiKey.keyId, description: 'aws apigateway get-api-key --include-value --api-key <id>' });
    if (this.api.userPool) new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId, description: 'Cognito user pool of the API' });
  }
}
