import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childElements, childText, escapeXml, parseXml, toXml } from './xml.ts';

test('the writer escapes markup and control characters and repeats array elements', () => {
  assert.equal(escapeXml(`a<b>&"c'\u0001`), 'a&lt;b&gt;&amp;&quot;c&apos;&#x1;');
  assert.equal(
    toXml('R', { Name: 'x&y', Item: [{ Key: 'a' }, { Key: 'b' }], Skipped: undefined, Count: 2, Flag: false }),
    '<?xml version="1.0" encoding="UTF-8"?><R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>x&amp;y</Name>' +
      '<Item><Key>a</Key></Item><Item><Key>b</Key></Item><Count>2</Count><Flag>false</Flag></R>',
  );
  assert.equal(
    toXml('Error', { Code: 'X' }, false),
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>X</Code></Error>',
  );
});

test('the reader parses CompleteMultipartUpload and Delete bodies as clients send them', () => {
  const complete = parseXml(
    '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Part><ETag>"abc"</ETag><PartNumber>1</PartNumber></Part>\n  <Part><PartNumber>2</PartNumber><ETag>&quot;def&quot;</ETag></Part>' +
      '</CompleteMultipartUpload>',
  );
  assert.equal(complete.name, 'CompleteMultipartUpload');
  assert.deepEqual(
    childElements(complete, 'Part').map((part) => [childText(part, 'PartNumber'), childText(part, 'ETag')]),
    [
      ['1', '"abc"'],
      ['2', '"def"'],
    ],
  );
  const remove = parseXml(
    '<Delete><Quiet>true</Quiet><Object><Key>a &amp; b &#x65E5;&#26412;</Key></Object><Object><Key><![CDATA[<raw>]]></Key></Object><!-- c --></Delete>',
  );
  assert.equal(childText(remove, 'Quiet'), 'true');
  assert.deepEqual(
    childElements(remove, 'Object').map((object) => childText(object, 'Key')),
    ['a & b 日本', '<raw>'],
  );
  assert.equal(parseXml('<s3:Delete xmlns:s3="x"><s3:Object/></s3:Delete>').children[0].name, 'Object');
});

test('malformed documents are rejected', () => {
  for (const source of ['', '<a>', '<a></b>', '<a/><b/>', 'text', '<a>&bogus;</a>', '<a']) {
    assert.throws(() => parseXml(source), Error, source);
  }
});
