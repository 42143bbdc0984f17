import type { CfnTemplate } from '../../lib/docs/template';
import { formatFindings } from '../../lib/shared/compliance';
import { isNotice } from '../../lib/stages/stage-selection';
import { stackTemplate, synthesizedStage } from '../harness';
import { VARIANT_NAMES, VariantName } from '../synth/variants';
import { collidingNames, COMMERCIAL_REGIONS, concurrencyReservations, constantConditions, equivalentConditions, functionsWithoutNetworkAccess, regionGaps } from '../template-rules';

// The paths users take, read from the run's one synthesis of each stage
// variant (test/synth/variants.ts): both stages, environment-agnostic and
// pinned to an account and region, every stack.
const stacks = VARIANT_NAMES.flatMap((variant) => synthesizedStage(variant).stacks.map((s) => ({ variant, ...s })));
const templateOf = (variant: VariantName, id: string) => stackTemplate(variant, id).toJSON() as CfnTemplate;
const cases = stacks.map((s) => [`${s.variant} ${s.id}`, s] as const);

test('every variant synthesizes every architecture', () => {
  const ids = (variant: VariantName) => synthesizedStage(variant).stacks.map((s) => s.id);
  for (const variant of VARIANT_NAMES) expect(ids(variant).filter((id) => !['Domain', 'FailoverSwitch', 'RecoveryVault'].includes(id) && !id.startsWith('Standby'))).toEqual(ids('Sandbox'));
  expect(ids('Sandbox')).toEqual(['Network', 'WebTier', 'StaticSite', 'FanOut', 'ServerlessApi', 'DataTier', 'SecurityBaseline', 'Streaming', 'DisasterRecovery']);
  // The standby side exists where the stage has a standby region and a pilot-light or warm-standby pattern.
  expect(VARIANT_NAMES.filter((variant) => ids(variant).some((id) => id.startsWith('Standby')))).toEqual(['Production standby']);
  expect(ids('Production standby').filter((id) => id.startsWith('Standby')).sort())
    .toEqual(['StandbyDataTier', 'StandbyNetwork', 'StandbyServerlessApi', 'StandbyStorage', 'StandbyWebTier']);
  // The failover switch, in the standby region, exists where the standby side does.
  expect(VARIANT_NAMES.filter((variant) => ids(variant).includes('FailoverSwitch'))).toEqual(['Production standby']);
  // The Domain stack exists where the stage is given a domain, and comes first: the site reads its certificate.
  expect(VARIANT_NAMES.filter((variant) => ids(variant).includes('Domain'))).toEqual(['Production pinned', 'Production standby']);
  expect(ids('Production pinned')[0]).toBe('Domain');
  // The RecoveryVault stack exists where the stage is given a standby region, in that region.
  expect(VARIANT_NAMES.filter((variant) => ids(variant).includes('RecoveryVault'))).toEqual(['Production pinned', 'Production standby']);
  expect(synthesizedStage('Production pinned').stacks.find((s) => s.id === 'RecoveryVault')?.environment).toBe('aws://123456789012/ap-southeast-1');
});

test.each(VARIANT_NAMES)('%s synthesizes without AWS credentials: no context lookup', (variant) => {
  expect(synthesizedStage(variant).missingContext).toEqual([]);
});

test.each(VARIANT_NAMES)('%s: the app runs the five packs over every template in synthesis and passes, printing nothing but the stage\'s notices', (variant) => {
  const { exitCode, appOutput, compliance, stacks: variantStacks } = synthesizedStage(variant);
  expect(compliance?.packs).toEqual(['AwsSolutions', 'Serverless', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']);
  expect([...compliance?.templates ?? []].sort()).toEqual(variantStacks.map((s) => s.stackName).sort());
  expect(appOutput.split('\n').filter((line) => line && !line.startsWith('warning: '))).toEqual([]);
  expect(exitCode).toBe(0);
});

test('the region rules know the commercial regions, the newest included', () => {
  expect(COMMERCIAL_REGIONS).toEqual(expect.arrayContaining(['us-east-1', 'ap-southeast-7', 'mx-central-1', 'ca-west-1']));
});

describe.each(cases)('%s', (_name, stack) => {
  const template = templateOf(stack.variant, stack.id);

  // One pass of the five packs, over the template as a scanner reads it; each finding names its construct path and logical id.
  test('the five packs report nothing unacknowledged in the template as a scanner reads it', () => {
    expect(formatFindings(stack.findings)).toBe('');
  });

  test('no error annotations, and no warning but the stage\'s notices (cdk synth fails on any other)', () => {
    expect(stack.messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(stack.messages.filter((m) => m.level === 'warning' && !isNotice(m.text))).toEqual([]);
  });

  test('every region-keyed lookup covers every commercial region or has a default', () => {
    expect(regionGaps(template)).toEqual([]);
  });

  test('no condition is fixed at synth by how the stack is placed, and no two are the same (cdk synth\'s validation warns)', () => {
    expect(constantConditions(template)).toEqual([]);
    expect(equivalentConditions(template)).toEqual([]);
  });

  test('every function in a VPC may create its network interfaces (else CloudFormation cannot create it)', () => {
    expect(functionsWithoutNetworkAccess(template)).toEqual([]);
  });

  test('no physical name two deployments or a retained leftover could share', () => {
    expect(collidingNames(template)).toEqual([]);
  });
});

describe.each(cases.filter(([, s]) => s.variant.startsWith('Sandbox')))('%s in a brand-new account', (_name, stack) => {
  test('reserves and provisions no Lambda concurrency (a new account has 10, all unreserved)', () => {
    expect(concurrencyReservations(templateOf(stack.variant, stack.id))).toEqual([]);
  });
});
