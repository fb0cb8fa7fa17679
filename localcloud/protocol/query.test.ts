import { describe, expect, it } from 'vitest';
import { AwsError } from '../aws-error.js';
import { escapeXml, parseQueryBody, queryError, toXml } from './query.js';

describe('query protocol', () => {
  it('turns member.N and EC2-style .N parameters into arrays, in index order', () => {
    const body =
      'Action=CreateRule&Version=2015-12-01&Priority=3' +
      '&Conditions.member.1.Field=path-pattern&Conditions.member.1.PathPatternConfig.Values.member.2=%2Fb' +
      '&Conditions.member.1.PathPatternConfig.Values.member.1=%2Fa%2F*' +
      '&Actions.member.1.Type=forward&Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=1' +
      '&InstanceType.2=m7i-flex.large&InstanceType.1=c7i-flex.large&Tags=';
    expect(parseQueryBody(body)).toEqual({
      Action: 'CreateRule',
      Version: '2015-12-01',
      Priority: '3',
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a/*', '/b'] } }],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ Weight: '1' }] } }],
      InstanceType: ['c7i-flex.large', 'm7i-flex.large'],
      Tags: '',
    });
  });

  it('writes lists as <member>, omits undefined, and escapes text', () => {
    expect(toXml('R', { A: [1, 2], B: undefined, C: 'x<&>"y' })).toBe(
      '<R><A><member>1</member><member>2</member></A><C>x&lt;&amp;&gt;&quot;y</C></R>',
    );
    expect(toXml('R', { A: ['a'] }, 'item')).toBe('<R><A><item>a</item></A></R>');
    expect(escapeXml("'")).toBe('&apos;');
  });

  it('renders errors in the ErrorResponse shape with Sender/Receiver', () => {
    const e = queryError(new AwsError('PriorityInUse', "Priority '1' is currently in use"), 'req-1');
    expect(e.status).toBe(400);
    expect(e.body).toContain(
      '<Type>Sender</Type><Code>PriorityInUse</Code><Message>Priority &apos;1&apos; is currently in use</Message>',
    );
    expect(e.body).toContain('<RequestId>req-1</RequestId>');
    expect(queryError(new AwsError('InternalFailure', 'x', 500), 'r').body).toContain(
      '<Type>Receiver</Type>',
    );
  });
});
