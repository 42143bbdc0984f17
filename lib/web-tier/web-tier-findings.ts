import { Annotations } from 'aws-cdk-lib';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import type { WebTier } from './web-tier';
import { WebTierProps } from './web-tier-props';

/** Id of the warning a web tier without a certificate gives at synth (acknowledge it where plain HTTP is intended). */
export const PLAIN_HTTP_WARNING = '@aws-reference-architectures/web-tier:plainHttp';

/**
 * Findings that are the architecture's chosen trade-offs, each acknowledged on
 * its one resource with the reason; what can be fixed is fixed in the construct.
 */
export function acknowledgeWebTierFindings(tier: WebTier, props: WebTierProps): void {
  acknowledgeListeners(tier, props);
  acknowledgeAccessLogBucket(tier);
  const role = tier.node.tryFindChild('InstanceRole');
  if (role) {
    acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'AmazonSSMManagedInstanceCore is the AWS-maintained policy for Session Manager, the only way into the instances (no SSH, no open ports).');
  }
  const albSecurityGroup = tier.node.tryFindChild('LoadBalancerSecurityGroup');
  if (albSecurityGroup && (props.allowedCidrs ?? ['0.0.0.0/0']).includes('0.0.0.0/0')) {
    acknowledge(albSecurityGroup, 'AwsSolutions-EC23', `An internet-facing load balancer admits ${props.certificateArn ? 'ports 80 (redirected) and 443' : 'port 80'} from anywhere by design; allowedCidrs narrows it. Nothing else is open.`);
  }
  if (!props.webAcl) {
    for (const pack of ['NIST.800.53.R5', 'PCI.DSS.321']) {
      acknowledge(tier.loadBalancer, `${pack}-ALBWAFEnabled`, 'No web ACL by choice of the deployer: it costs about $9 a month idle. webAcl: true adds one (the production profile does).');
    }
  }
  if (props.capacity?.desired !== undefined) {
    Annotations.of(tier.autoScalingGroup).acknowledgeWarning('@aws-cdk/aws-autoscaling:desiredCapacitySet',
      'The deployer set capacity.desired explicitly, accepting that each deploy resets the group to it.');
  }
  if (props.deletionProtection === false) {
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(tier.loadBalancer, `${pack}-ELBDeletionProtectionEnabled`, 'The deployer turned deletion protection off (deletionProtection: false, as the sandbox profile does) so that cdk destroy removes the load balancer; it is on by default.');
    }
  }
}

function acknowledgeListeners(tier: WebTier, props: WebTierProps): void {
  const http = tier.loadBalancer.node.tryFindChild('Http');
  if (http) {
    // Said at every synth, so that nobody deploys plain HTTP unawares; a stage that means it acknowledges it.
    Annotations.of(tier).addWarningV2(PLAIN_HTTP_WARNING,
      `${tier.node.path} serves plain HTTP on port 80: no certificateArn was given, so traffic between users and the load balancer is unencrypted. `
      + 'Pass certificateArn (an ACM certificate in this region; for the stages: -c certificateArn=... or CERTIFICATE_ARN) for HTTPS with HTTP redirected to it.');
    const reason = 'No certificateArn was given to this web tier, so it serves plain HTTP: synth warns of it unless the stage profile states why it accepts it. certificateArn switches it to HTTPS with HTTP redirected.';
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(http, `${pack}-ELBv2ACMCertificateRequired`, reason);
      acknowledge(http, `${pack}-ALBHttpToHttpsRedirection`, reason);
    }
  }
  const redirect = tier.loadBalancer.node.tryFindChild('Redirect80To443');
  if (redirect && props.certificateArn) {
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(redirect, `${pack}-ELBv2ACMCertificateRequired`, 'This port-80 listener serves nothing: it only redirects to the HTTPS listener, which has the certificate.');
    }
  }
}

function acknowledgeAccessLogBucket(tier: WebTier): void {
  const bucket = tier.accessLogs;
  const selfLogging = 'This bucket receives the access logs; logging its own access into itself would loop.';
  acknowledge(bucket, 'AwsSolutions-S1', selfLogging);
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(bucket, `${pack}-S3BucketLoggingEnabled`, selfLogging);
    acknowledge(bucket, `${pack}-S3DefaultEncryptionKMS`, 'Load balancer log delivery supports SSE-S3 only; a KMS default encryption makes every delivery fail.');
    acknowledge(bucket, `${pack}-S3BucketReplicationEnabled`, 'Access logs for troubleshooting, expired after 90 days; cross-region replication would double their cost for no recovery need.');
  }
}
