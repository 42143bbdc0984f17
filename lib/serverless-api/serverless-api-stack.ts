import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { DomainEndpointProps, endpointCertificate, publishEndpoint, PublishedEndpoint } from '../domain/endpoint';
import { ServerlessApi } from './serverless-api';
import { ServerlessApiProps } from './serverless-api-props';

/** Props of {@link ServerlessApiStack}. */
export interface ServerlessApiStackProps extends StackProps {
  /**
   * Props of the API.
   * @default the ServerlessApi defaults (IAM authorization)
   */
  readonly api?: ServerlessApiProps;
  /**
   * Puts the API on a domain: a regional custom domain (TLS 1.2 minimum) with a
   * certificate for its name, its root mapped to the API's stage, alias A and AAAA records.
   * @default none: the execute-api URL
   */
  readonly domain?: DomainEndpointProps;
}

/** Deploys a {@link ServerlessApi} and outputs its URL (and table name, when it has a table). */
export class ServerlessApiStack extends Stack {
  readonly api: ServerlessApi;
  /** The API's name, records and health check on the domain, with `domain`. */
  readonly onDomain?: PublishedEndpoint;

  constructor(scope: Construct, id: string, props: ServerlessApiStackProps = {}) {
    super(scope, id, props);
    const domain = props.domain;
    const customDomain = domain && { domainName: domain.domain.fqdn(domain.recordName), certificate: endpointCertificate(this, domain) };
    this.api = new ServerlessApi(this, 'ServerlessApi', { ...props.api, customDomain: props.api?.customDomain ?? customDomain });
    if (domain) {
      const apiDomain = this.api.customDomain!;
      // API Gateway answers on the custom name only for that Host: the check opens TLS on 443 (an IAM-authorized API answers nothing unsigned).
      this.onDomain = publishEndpoint(this, domain, {
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(apiDomain)),
        // A failover alias answers by its target's health too (Route 53 evaluates an API Gateway regional domain's).
        evaluateTargetHealth: domain.routing?.kind === 'failover' ? true : undefined,
        ipv6: true,
        healthCheck: { fqdn: apiDomain.domainNameAliasDomainName, protocol: 'TCP' },
      });
    }
    const root = this.onDomain ? `https://${this.onDomain.fqdn}/` : this.api.api.url;
    if (this.onDomain) new CfnOutput(this, 'DomainUrl', { value: root, description: 'The API on its domain name (HTTPS only: nothing listens on port 80)' });
    new CfnOutput(this, 'ApiUrl', this.api.servesItems
      ? { value: `${root}items`, description: 'Items endpoint' }
      : { value: root, description: 'Root of the API' });
    if (this.api.table) new CfnOutput(this, 'TableName', { value: this.api.table.tableName, description: 'DynamoDB table of the API' });
    new CfnOutput(this, 'AuthorizationMode', { value: this.api.authorization, description: 'How to call the API' });
    if (props.api?.corsOrigins) new CfnOutput(this, 'AllowedOrigins', { value: props.api.corsOrigins.join(','), description: 'Origins allowed by CORS' });
    if (this.api.apiKey) new CfnOutput(this, 'ApiKeyId', { value: this.api.apiKey.keyId, description: 'aws apigateway get-api-key --include-value --api-key <id>' });
    if (this.api.userPool) new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId, description: 'Cognito user pool of the API' });
  }
}
