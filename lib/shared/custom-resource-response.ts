// What a Lambda function behind a CloudFormation custom resource (no provider
// framework) receives and must answer: the request, and the PUT of its result
// to the pre-signed response URL. Bundled into each handler that uses it.

/** The CloudFormation custom-resource request fields the handlers read. */
export interface CustomResourceEvent<P = Record<string, unknown>> {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: P;
}

/**
 * Tells CloudFormation the outcome. The reason is cut to 500 characters (the
 * response body has a 4 KB limit); the URL is pre-signed without a content
 * type, so sending one would break its signature.
 */
export async function respond(event: CustomResourceEvent<unknown>, status: 'SUCCESS' | 'FAILED', physicalId: string | undefined, reason = 'See the function\'s log group'): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 500),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) throw new Error(`CloudFormation response refused: ${response.status}`);
}
