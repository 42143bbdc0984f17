import * as api from '../lib';

test('the package entry exports every construct, stack and helper a user composes with', () => {
  for (const name of ['Network', 'NetworkStack', 'ReferenceStage', 'stageConfig', 'STAGE_PROFILES',
    'enforceCompliance', 'acknowledge', 'templateFindings', 'complianceReport', 'EncryptedLogGroup', 'ConfigError', 'resolveNetworkProps',
    'FanOut', 'FanOutStack', 'validateFanOutProps', 'HardenedFunction', 'ManagedPolicyRole', 'AlarmTopic',
    'ServerlessApi', 'ServerlessApiStack', 'validateServerlessApiProps', 'RegionalWebAcl',
    'StaticSite', 'StaticSiteStack', 'validateStaticSiteProps', 'WebTier', 'WebTierStack', 'validateWebTierProps',
    'Domain', 'DomainStack', 'validateDomainProps', 'validateRoutedRecords', 'publishEndpoint', 'endpointHealthCheck', 'requireHttps',
    'recoveryPattern', 'backupInterval', 'PATTERN_LIMITS',
    'StandbyDatabase', 'SiteReplicaBucket', 'StandbySide', 'addStandby', 'standbyPatternOf', 'globalClusterIdentifier',
    'FailoverSwitch', 'FailoverPrimaryHealthCheck', 'failoverPrimaryHealthCheck', 'StageFailover', 'FailoverSwitchStack', 'switchCommand',
    'BackupAndRestore', 'RecoveryVault', 'DisasterRecoveryStack', 'RecoveryVaultStack',
    'validateBackupAndRestoreProps', 'tagForBackup', 'JobFailureNotifications']) {
    expect(api).toHaveProperty(name);
  }
  expect(typeof api.Network).toBe('function');
});
