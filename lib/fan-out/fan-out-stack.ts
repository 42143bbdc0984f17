import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FanOut } from './fan-out';
import { FanOutProps } from './fan-out-props';

/** Props of {@link FanOutStack}. */
export interface FanOutStackProps extends StackProps {
  /** Props of the fan-out. */
  readonly fanOut: FanOutProps;
}

/** Deploys a {@link FanOut} and outputs the topic ARN and each queue's URL. */
export class FanOutStack extends Stack {
  readonly fanOut: FanOut;

  constructor(scope: Construct, id: string, props: FanOutStackProps) {
    super(scope, id, props);
    this.fanOut = new FanOut(this, 'FanOut', props.fanOut);
    new CfnOutput(this, 'TopicArn', { value: this.fanOut.topic.topicArn, description: 'Publish here' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.fanOut.alarmTopic.topicArn, description: 'Alarms go here' });
    for (const [name, subscriber] of Object.entries(this.fanOut.subscribers)) {
      new CfnOutput(this, `${subscriber.node.id}QueueUrl`, { value: subscriber.queue.queueUrl, description: `Queue of the ${name} subscriber` });
    }
  }
}
