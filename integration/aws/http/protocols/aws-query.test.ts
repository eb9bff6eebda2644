import { describe, expect, it } from 'vitest';
import { awsQueryEndpoint } from './aws-query.js';

const request = (action: string) => ({
  method: 'POST',
  url: new URL('https://sns.local/'),
  headers: {},
  body: Buffer.from(`Action=${action}&Version=2010-03-31`),
  requestId: 'r-1',
});

describe('awsQuery XML', () => {
  it('writes results as elements, lists as <member> elements, text escaped, absent members left out', async () => {
    const endpoint = awsQueryEndpoint('http://sns.amazonaws.com/doc/2010-03-31/', {
      ListTopics: () => ({
        Topics: [{ TopicArn: 'arn:a<&>"\'' }, { TopicArn: 'arn:b' }],
        Empty: [],
        Count: 2,
        Truncated: false,
        NextToken: undefined,
      }),
    });
    const reply = await endpoint.resolve(request('ListTopics')).invoke();
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(
      '<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult>' +
        '<Topics><member><TopicArn>arn:a&lt;&amp;&gt;&quot;&apos;</TopicArn></member><member><TopicArn>arn:b</TopicArn></member></Topics>' +
        '<Empty></Empty><Count>2</Count><Truncated>false</Truncated></ListTopicsResult>' +
        '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></ListTopicsResponse>',
    );
  });

  it('writes errors as <ErrorResponse><Error> with the sender or receiver as type', () => {
    const endpoint = awsQueryEndpoint('urn:x', {});
    const reply = endpoint.errorReply(
      { code: 'NotFound', status: 404, message: 'Topic <t> does not exist' },
      request('GetTopicAttributes'),
    );
    expect(reply.body).toBe(
      '<ErrorResponse xmlns="urn:x"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic &lt;t&gt; does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
    );
  });
});
