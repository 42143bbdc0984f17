import * as api from '../../lib';

test('the package entry exports the security baseline, its stack, props validation and the lists it documents', () => {
  for (const name of ['SecurityBaseline', 'SecurityBaselineStack', 'validateSecurityBaselineProps', 'CIS_FILTERS', 'BASELINE_CONFIG_RULES', 'REGION_LIMITED_CONFIG_RULES', 'REGIONS_OPENED_SINCE_2022', 'FINDING_SEVERITIES']) {
    expect(api).toHaveProperty(name);
  }
  expect(api.STAGE_PROFILES.Sandbox.securityBaseline).toEqual({});
});
