import { Template } from 'aws-cdk-lib/assertions';
import { mermaidDiagram } from '../../lib/docs/diagram';
import { CfnTemplate } from '../../lib/docs/template';
import { SecurityBaseline } from '../../lib/security-baseline/security-baseline';
import { testStack } from '../harness';

describe('the security baseline\'s diagram', () => {
  const stack = testStack();
  new SecurityBaseline(stack, 'SecurityBaseline', {});
  const diagram = mermaidDiagram({ template: Template.fromStack(stack).toJSON() as CfnTemplate, prefix: 'SecurityBaseline' });
  const id = (pattern: RegExp) => diagram.match(pattern)![1];

  test('draws the trail delivering to the audit bucket, and the recorder to a bucket of its own', () => {
    const trail = id(/(SecurityBaselineAuditTrail[0-9A-F]+)\["CloudTrail trail<br\/>all regions, validated"\]/);
    const bucket = id(/(SecurityBaselineAuditBucket[0-9A-F]+)\[\("S3 bucket/);
    const configBucket = id(/(SecurityBaselineConfigBucket[0-9A-F]+)\[\("S3 bucket/);
    const recorder = id(/(SecurityBaselineConfigRecorder[0-9A-F]+)\["AWS Config recorder"\]/);
    expect(diagram).toContain(`apiCalls -->|"events"| ${trail}`);
    expect(diagram).toContain(`${trail} -->|"log files"| ${bucket}`);
    expect(diagram).toContain(`${recorder} -->|"snapshots, history"| ${configBucket}`);
    expect(diagram).toContain('configRules["33 AWS Config managed rules"]');
  });

  test('draws CIS filters to their alarms, and GuardDuty and Security Hub findings to the alarm topic', () => {
    const topic = id(/(SecurityBaselineAlarmsTopic[0-9A-F]+)\["SNS topic/);
    expect(diagram).toMatch(new RegExp(`SecurityBaselineAuditTrail[0-9A-F]+ -\\.->\\|"15 CIS metric filters"\\| alarms_${topic}`));
    expect(diagram).not.toMatch(/"15 CIS metric filters"\| alarms_SecurityBaselineUndeliveredFindings/);
    expect(diagram).toMatch(new RegExp(`SecurityBaselineGuardDuty[0-9A-F]+ -->\\|"findings"\\| ${topic}`));
    expect(diagram).toMatch(new RegExp(`SecurityBaselineSecurityHub[0-9A-F]+ -->\\|"findings"\\| ${topic}`));
    expect(diagram).toMatch(/SecurityBaselineGuardDuty[0-9A-F]+ -\.->\|"undeliverable"\| SecurityBaselineFindingsDeadLetterQueue/);
  });

  test('draws the account settings and Access Analyzer', () => {
    expect(diagram).toMatch(/SecurityBaselineAccountSettingsHandlerFunction[0-9A-F]+ -->\|"sets, restores on delete"\| accountSettings/);
    expect(diagram).toContain('["IAM Access Analyzer"]');
    expect(diagram).toContain('["IAM Access Analyzer<br/>unused access"]');
  });
});
