import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * An IAM role whose grants land in one customer-managed policy instead of the
 * inline default policy CDK attaches (the NIST, HIPAA and PCI packs forbid
 * inline policies). `queue.grantConsumeMessages(role)` and friends work as usual.
 */
export class ManagedPolicyRole extends iam.Role {
  /** The policy every grant to this role is written into. */
  readonly grantsPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
    this.grantsPolicy = new iam.ManagedPolicy(this, 'Grants', { description: `Grants of ${this.node.path}` });
    this.addManagedPolicy(this.grantsPolicy);
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.grantsPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.grantsPolicy };
  }
}
