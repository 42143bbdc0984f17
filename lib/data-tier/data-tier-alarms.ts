import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmAbove } from '../shared/alarms';
import { cacheNodeIds } from './cache';
import { ResolvedCacheProps, ResolvedDatabaseProps } from './data-tier-props';

const PERIOD = Duration.minutes(5);
/** Below this, the writer is short of memory for its working set. */
export const FREEABLE_MEMORY_FLOOR_BYTES = 256 * 1024 * 1024;

/**
 * The database's alarms: CPU, capacity used against the maximum, free memory,
 * connections and (with readers) replica lag. Missing data, as when the
 * cluster is paused, is not a breach.
 */
export function addDatabaseAlarms(scope: Construct, topic: sns.ITopic, cluster: rds.DatabaseCluster, config: ResolvedDatabaseProps): void {
  const metric = (name: string, statistic: string) => cluster.metric(name, { period: PERIOD, statistic });
  alarmAbove(scope, 'DatabaseCpu', topic, { metric: metric('CPUUtilization', 'Average'), above: 80, periods: 3, description: 'Database CPU above 80 % for 15 minutes' });
  alarmAbove(scope, 'DatabaseCapacity', topic, {
    metric: metric('ACUUtilization', 'Average'), above: 90, periods: 3,
    description: `Database above 90 % of its maximum capacity (${config.maxCapacity} ACUs) for 15 minutes: raise maxCapacity or find the load`,
  });
  alarmAbove(scope, 'DatabaseConnections', topic, {
    metric: metric('DatabaseConnections', 'Maximum'), above: config.maxConnectionsAlarm, periods: 2,
    description: `More than ${config.maxConnectionsAlarm} database connections: a pool leaking, or load beyond the plan`,
  });
  alarmBelow(scope, 'DatabaseFreeMemory', topic, metric('FreeableMemory', 'Minimum'), FREEABLE_MEMORY_FLOOR_BYTES,
    'Database freeable memory below 256 MiB for 15 minutes');
  if (config.readers > 0) {
    alarmAbove(scope, 'DatabaseReplicaLag', topic, {
      metric: metric('AuroraReplicaLagMaximum', 'Maximum'), above: 1000, periods: 3,
      description: 'A reader more than 1 s behind the writer for 15 minutes',
    });
  }
}

/** The cache's alarms, per node: memory used and evictions. */
export function addCacheAlarms(scope: Construct, topic: sns.ITopic, group: elasticache.CfnReplicationGroup, config: ResolvedCacheProps): void {
  cacheNodeIds(group, config.replicas + 1).forEach((node, i) => {
    const metric = (metricName: string, statistic: string) => new cloudwatch.Metric({
      namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: node }, period: PERIOD, statistic,
    });
    alarmAbove(scope, `CacheMemory${i + 1}`, topic, {
      metric: metric('DatabaseMemoryUsagePercentage', 'Maximum'), above: 80, periods: 3, description: `Cache node ${i + 1} above 80 % of its memory for 15 minutes`,
    });
    alarmAbove(scope, `CacheEvictions${i + 1}`, topic, {
      metric: metric('Evictions', 'Sum'), above: 0, periods: 3, description: `Cache node ${i + 1} evicting keys for 15 minutes: it is too small for its data`,
    });
  });
}

function alarmBelow(scope: Construct, id: string, topic: sns.ITopic, metric: cloudwatch.IMetric, below: number, description: string): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric,
    threshold: below,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
  alarm.addAlarmAction(new actions.SnsAction(topic));
  alarm.addOkAction(new actions.SnsAction(topic));
  return alarm;
}
