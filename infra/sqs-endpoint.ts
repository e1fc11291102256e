/**
 * Test support: an HTTP endpoint on loopback that speaks the part of the SQS API (AWS JSON 1.0,
 * `X-Amz-Target: AmazonSQS.<Action>`) the alert functions call, so their real `SQSClient` (request
 * signing, serialisation, the MD5 check of sent bodies) runs as on AWS. It keeps what was sent and
 * what visibility changes were asked for; the test hands the messages to the delivery function as
 * the SQS event source mapping would, receive count included.
 *
 * Actions: SendMessage, SendMessageBatch, ChangeMessageVisibility; anything else answers 400 as SQS
 * does for an unknown operation.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  queueUrl: string;
  messageId: string;
  body: string;
}

export interface VisibilityChange {
  queueUrl: string;
  receiptHandle: string;
  visibilityTimeout: number;
}

export interface SqsEndpoint {
  /** `http://127.0.0.1:<port>`, for `SQS_ENDPOINT`. */
  url: string;
  /** A queue URL on this endpoint (SQS accepts any queue here; the name is for reading the test). */
  queueUrl(name: string): string;
  sent: SentMessage[];
  visibilityChanges: VisibilityChange[];
  close(): Promise<void>;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export async function startSqsEndpoint(): Promise<SqsEndpoint> {
  const sent: SentMessage[] = [];
  const visibilityChanges: VisibilityChange[] = [];

  const send = (queueUrl: string, body: string) => {
    const message = { queueUrl, messageId: randomUUID(), body };
    sent.push(message);
    return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
  };

  const actions: Record<string, (input: Record<string, unknown>) => unknown> = {
    SendMessage: (input) => send(String(input.QueueUrl), String(input.MessageBody)),
    SendMessageBatch: (input) => {
      const entries = input.Entries as { Id: string; MessageBody: string }[];
      return {
        Successful: entries.map((e) => ({ Id: e.Id, ...send(String(input.QueueUrl), e.MessageBody) })),
        Failed: [],
      };
    },
    ChangeMessageVisibility: (input) => {
      visibilityChanges.push({
        queueUrl: String(input.QueueUrl),
        receiptHandle: String(input.ReceiptHandle),
        visibilityTimeout: Number(input.VisibilityTimeout),
      });
      return {};
    },
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
      const handler = actions[action];
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
        response.end(JSON.stringify(body));
      };
      if (!handler) {
        answer(
          400,
          { __type: 'com.amazonaws.sqs#InvalidAction', message: `unsupported action ${action}` },
          { 'x-amzn-query-error': 'InvalidAction;Sender' },
        );
        return;
      }
      answer(200, handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queueUrl: (name) => `${url}/123456789012/${name}`,
    sent,
    visibilityChanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
