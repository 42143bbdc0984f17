#!/usr/bin/env node
// The delivery pipeline's asset publisher. CDK Pipelines' asset steps run
// `cdk-assets --path <manifest> --verbose publish <asset:destination>`; no
// release of the cdk-assets CLI reads the asset manifests aws-cdk-lib writes
// now (schema 55), so the steps install this package instead: the same two
// commands on @aws-cdk/cdk-assets-lib, the library the CDK CLI publishes with,
// at the versions npm-shrinkwrap.json pins. test/delivery-pipeline/deploy-time-tools.suite.ts
// runs it against every manifest of the synthesized pipeline.
'use strict';
const { AssetManifest, AssetPublishing, DefaultAwsClient, DestinationPattern } = require('@aws-cdk/cdk-assets-lib');

const USAGE = 'Usage: cdk-assets [--path <manifest or directory>] [--verbose] (ls | publish) [ASSET[:DEST]..]';

/** The command line as CDK Pipelines writes it; throws on anything else. */
function parse(argv) {
  const options = { path: '.', verbose: false, command: undefined, assets: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--path' || arg === '-p') {
      if (argv[i + 1] === undefined) throw new Error(`${arg} needs a value`);
      options.path = argv[++i];
    } else if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (options.command === undefined) options.command = arg;
    else options.assets.push(arg);
  }
  if (options.command !== 'ls' && options.command !== 'publish') throw new Error(`expected the command ls or publish, got ${options.command ?? 'none'}`);
  return options;
}

/** The manifest at `path`, narrowed to `assets` when some are named. */
function manifestOf(options) {
  const manifest = AssetManifest.fromPath(options.path);
  return options.assets.length === 0 ? manifest : manifest.select(options.assets.map((a) => DestinationPattern.parse(a)));
}

async function publish(manifest, verbose, write) {
  const publishing = new AssetPublishing(manifest, {
    aws: new DefaultAwsClient(),
    throwOnError: false,
    progressListener: {
      onPublishEvent: (type, event) => {
        if (verbose || ['start', 'success', 'fail'].includes(type)) write(`[${event.percentComplete}%] ${type}: ${event.message}`);
      },
    },
  });
  await publishing.publish();
  for (const failure of publishing.failures) write(`Failure: ${failure.error.stack ?? failure.error}`);
  return publishing.hasFailures ? 1 : 0;
}

/** Runs the command; resolves to the exit code. */
async function main(argv, out = console.log, err = console.error) {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    err(`cdk-assets: ${error.message}\n${USAGE}`);
    return 2;
  }
  try {
    const manifest = manifestOf(options);
    if (options.command === 'ls') {
      for (const entry of manifest.entries) out(`${entry.id} ${entry.type}`);
      return 0;
    }
    if (manifest.entries.length === 0) {
      err(`cdk-assets: nothing in ${options.path} matches ${options.assets.join(' ')}`);
      return 1;
    }
    return await publish(manifest, options.verbose, err);
  } catch (error) {
    err(`cdk-assets: ${error.message}`);
    return 1;
  }
}

module.exports = { main, parse };

if (require.main === module) main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
