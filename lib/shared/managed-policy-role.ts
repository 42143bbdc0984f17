import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * An IAM role whose grants land in one customer-managed policy instead of the
 * inline default policy CDK attaches (the NIST, HIPAA and PCI packs forbid
 * inline policies). `queue.grantConsumeMessages(role)` and friends work as usual.
 */
export class ManagedPolicyRole extends iam.Role {
  private grantsTarget?: iam.ManagedPolicy;

  /** The policy every grant to this role is written into; created with the first grant. */
  get grantsPolicy(): iam.ManagedPolicy | undefined {
    return this.grantsTarget;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.grantsTarget) {
      this.grantsTarget = new iam.ManagedPolicy(this, 'Grants', { description: `Grants of ${this.node.path}` });
      this.addManagedPolicy(this.grantsTarget);
    }
    this.grantsTarget.addStatements(statement);
    return { statementAdded: true, policyDependable: this.grantsTarget };
  }
}
