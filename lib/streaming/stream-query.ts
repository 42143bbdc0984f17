import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { perCreationName } from './per-creation-name';

/** The columns of the example records the stages put on the stream. */
export const DEFAULT_COLUMNS: Readonly<Record<string, string>> = { eventType: 'string', orderId: 'string', total: 'double', at: 'string' };

/** 1 GiB: a query of the example data scans kilobytes; a runaway one stops here. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 1024 ** 3;

/** Props of {@link StreamQuery}. */
export interface StreamQueryProps {
  /** The bucket Firehose delivers to. */
  readonly bucket: s3.IBucket;
  /** Key of the bucket, also encrypting the query results. */
  readonly key: kms.IKey;
  /** Prefix of the delivered data, ending in `/`; partitions `year=/month=/day=` below it. */
  readonly dataPrefix: string;
  /** Column names to Hive types. @default DEFAULT_COLUMNS */
  readonly columns?: Readonly<Record<string, string>>;
  /** Bytes one query may scan. @default DEFAULT_BYTES_SCANNED_CUTOFF */
  readonly bytesScannedCutoffPerQuery?: number;
}

/**
 * A Glue database and table over the delivered JSON (partition projection on
 * year, month and day: no crawler, no partitions to add) and an Athena
 * workgroup that enforces encrypted results in the bucket and a scan limit.
 */
export class StreamQuery extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  /** The Glue database's name. */
  readonly databaseName: string;
  /** The Glue table's name, `events`. */
  readonly tableName = 'events';
  /** The Athena workgroup's name. */
  readonly workGroupName: string;
  private readonly props: StreamQueryProps;

  constructor(scope: Construct, id: string, props: StreamQueryProps) {
    super(scope, id);
    this.props = props;
    const account = Stack.of(this).account;
    this.databaseName = perCreationName(this, 'events', 255, '_', true);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: this.databaseName, description: 'Records delivered by Firehose from the event stream' },
    });
    const location = `s3://${props.bucket.bucketName}/${props.dataPrefix}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          'classification': 'json',
          'compressionType': 'gzip',
          'projection.enabled': 'true',
          'projection.year.type': 'integer', 'projection.year.range': '2024,2099',
          'projection.month.type': 'integer', 'projection.month.range': '1,12', 'projection.month.digits': '2',
          'projection.day.type': 'integer', 'projection.day.range': '1,31', 'projection.day.digits': '2',
          'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/`,
        },
        partitionKeys: ['year', 'month', 'day'].map((name) => ({ name, type: 'string' })),
        storageDescriptor: {
          location,
          columns: Object.entries(props.columns ?? DEFAULT_COLUMNS).map(([name, type]) => ({ name: name.toLowerCase(), type })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // Field names are case-insensitive in Hive; a malformed line is skipped, not a failed query.
            parameters: { 'case.insensitive': 'true', 'ignore.malformed.json': 'true' },
          },
        },
      },
    });
    this.table.node.addDependency(this.database);
    this.workGroupName = perCreationName(this, 'events', 128);
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Queries the event stream\'s delivered records',
      // The workgroup holds no data (results are in the bucket): deleting it with its query history loses nothing.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/athena-results/`,
          expectedBucketOwner: Aws.ACCOUNT_ID,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }

  /**
   * Lets `grantee` query the delivered records in this workgroup: run and read
   * its queries, read the table's definition and the data under the data
   * prefix, write results under `athena-results/`, with the key. Nothing else:
   * no other workgroup, table or prefix.
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const glueArn = (resource: string, resourceName?: string) => stack.formatArn({ service: 'glue', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const { bucket, dataPrefix, key } = this.props;
    const grants: [string[], string[]][] = [
      [['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })]],
      [['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        [glueArn('catalog'), glueArn('database', this.databaseName), glueArn('table', `${this.databaseName}/${this.tableName}`)]],
      [['s3:GetBucketLocation', 's3:ListBucket'], [bucket.bucketArn]],
      [['s3:GetObject'], [bucket.arnForObjects(`${dataPrefix}*`)]],
      [['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], [bucket.arnForObjects('athena-results/*')]],
      [['kms:Decrypt', 'kms:GenerateDataKey'], [key.keyArn]],
    ];
    return grants.map(([actions, resourceArns]) => iam.Grant.addToPrincipal({ grantee, actions, resourceArns }))
      .reduce((all, grant) => all.combine(grant));
  }
}
