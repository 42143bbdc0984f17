import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Streaming, StreamingProps } from './streaming';

/** Props of {@link StreamingStack}. */
export interface StreamingStackProps extends StackProps {
  /** Props of the stream and the bus. */
  readonly streaming: StreamingProps;
}

/** Deploys a {@link Streaming} and outputs what producers, operators and the smoke checks need. */
export class StreamingStack extends Stack {
  readonly streaming: Streaming;

  constructor(scope: Construct, id: string, props: StreamingStackProps) {
    super(scope, id, props);
    this.streaming = new Streaming(this, 'Streaming', props.streaming);
    const { stream, bus } = this.streaming;
    const out = (outputId: string, value: string, description: string) => new CfnOutput(this, outputId, { value, description });
    out('StreamName', stream.stream.streamName, 'Put records here (aws kinesis put-record)');
    out('ConsumerLogGroupName', stream.consumer.logGroup.logGroupName, 'Log group of the stream\'s consumer');
    out('FailureQueueUrl', stream.failureQueue.queueUrl, 'Batches the stream\'s consumer gave up on');
    out('DeliveryBucketName', stream.bucket.bucketName, 'Firehose delivers the records here, under data/');
    out('DeliveryBufferingSeconds', String(stream.bufferingInterval.toSeconds()), 'Firehose writes to S3 at least this often');
    out('DeliveryStreamName', stream.deliveryStream.ref, 'Firehose delivery stream');
    out('GlueDatabaseName', stream.query.databaseName, 'Glue database of the delivered records');
    out('GlueTableName', stream.query.tableName, 'Glue table of the delivered records');
    out('AthenaWorkGroupName', stream.query.workGroupName, 'Query the records with this Athena workgroup');
    out('EventBusName', bus.bus.eventBusName, 'Put events here (aws events put-events)');
    out('ArchiveName', bus.archive.archiveName, 'Replay events from this archive');
    out('DeliveryDeadLetterQueueUrl', bus.deliveryDeadLetterQueue.queueUrl, 'Events EventBridge could not deliver to a route');
    for (const [name, route] of Object.entries(bus.routes)) {
      out(`${route.queue.node.scope!.node.id}QueueUrl`, route.queue.queueUrl, `Queue of the ${name} route`);
    }
    out('AlarmTopicArn', this.streaming.alarmTopic.topicArn, 'Alarms go here');
  }
}
