import { Template } from 'aws-cdk-lib/assertions';
import { COMMERCIAL_REGIONS, literalNames, regionLookupsMissing } from './template-checks';

const lookup = (defaultValue?: string) => ({ 'Fn::FindInMap': ['Accounts', { Ref: 'AWS::Region' }, 'account', ...(defaultValue ? [{ DefaultValue: defaultValue }] : [])] });
const template = (mappings: Record<string, unknown>, value: unknown, extra: Record<string, unknown> = {}) => Template.fromJSON({
  Mappings: mappings,
  Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: value, ...extra } } },
});

describe('the template checks the web tier tests rely on', () => {
  test('a region lookup without a default reports every commercial region its mapping lacks', () => {
    const missing = regionLookupsMissing(template({ Accounts: { 'us-east-1': { account: '1' } } }, lookup()));
    expect(missing).toContain('Accounts: mx-central-1');
    expect(missing).not.toContain('Accounts: us-east-1');
    expect(missing).toHaveLength(COMMERCIAL_REGIONS.length - 1);
  });

  test('a default covers every region; so does a complete mapping', () => {
    expect(regionLookupsMissing(template({ Accounts: {} }, lookup('none')))).toEqual([]);
    const complete = Object.fromEntries(COMMERCIAL_REGIONS.map((r) => [r, { account: '1' }]));
    expect(regionLookupsMissing(template({ Accounts: complete }, lookup()))).toEqual([]);
  });

  test('a physical name is literal unless it ends in the stack id', () => {
    expect(literalNames(template({}, 'x', { TopicName: 'alarms' }))).toEqual(['Topic.TopicName']);
    expect(literalNames(template({}, 'x', { TopicName: { 'Fn::Join': ['', ['alarms-', { Ref: 'AWS::StackName' }]] } }))).toEqual(['Topic.TopicName']);
    expect(literalNames(template({}, 'x', { TopicName: { 'Fn::Join': ['', ['alarms-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] } }))).toEqual([]);
    expect(literalNames(template({}, 'x'))).toEqual([]);
  });
});
