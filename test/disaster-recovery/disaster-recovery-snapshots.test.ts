import { normalised, stackTemplate } from '../harness';

// Drift only: the assertions of backup-and-restore, coverage, standby-side and the
// failover tests are the specification. Read from the run's one synthesis of each variant.
describe('snapshots (drift only; the assertions in the other files are the specification)', () => {
  test('Sandbox DisasterRecovery (backup and restore in its own region)', () => expect(normalised(stackTemplate('Sandbox', 'DisasterRecovery'))).toMatchSnapshot());
  test('Production pinned DisasterRecovery and RecoveryVault (copies to the standby region)', () => {
    expect(normalised(stackTemplate('Production pinned', 'DisasterRecovery'))).toMatchSnapshot();
    expect(normalised(stackTemplate('Production pinned', 'RecoveryVault'))).toMatchSnapshot();
  });
  test.each(['StandbyStorage', 'StandbyDataTier', 'FailoverSwitch'])('Production standby %s (pilot light)', (id) => {
    expect(normalised(stackTemplate('Production standby', id))).toMatchSnapshot();
  });
});
