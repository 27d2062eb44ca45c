import { describe, expect, it } from 'vitest';
import { classifyResult, isConfigurationCode, isLockCode } from './result-code';
import { compact, parseXml2, toXml2, Xml2SyntaxError } from './xml2';

describe('xml2 codec', () => {
  it('reads records, arrays of one item, strings with leading zeros and spaces, and entities', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<xmlio2><acceptlstres type="record">
  <Api_Result type="string">00</Api_Result>
  <!-- a comment -->
  <Acceptlst_Information type="array">
    <Acceptlst_Information_child type="record">
      <Acceptance_Id type="string">00001</Acceptance_Id>
      <Memo type="string">A &amp; B &lt;C&gt; &#x3042;</Memo>
      <Money type="string">      340</Money>
      <Empty type="string"/>
    </Acceptlst_Information_child>
  </Acceptlst_Information>
</acceptlstres></xmlio2>`;
    const doc = parseXml2(xml);
    expect(doc.outer).toBe('xmlio2');
    expect(doc.root).toBe('acceptlstres');
    expect(doc.body.Api_Result).toBe('00');
    expect(doc.body.Acceptlst_Information).toEqual([{ Acceptance_Id: '00001', Memo: 'A & B <C> あ', Money: '      340', Empty: '' }]);
  });

  it('treats an element with children but no type attribute as a record (hand-written requests)', () => {
    const doc = parseXml2('<data><patientlst1req><Base_StartDate>2025-04-01</Base_StartDate><X><Y>1</Y></X></patientlst1req></data>');
    expect(doc.body).toEqual({ Base_StartDate: '2025-04-01', X: { Y: '1' } });
  });

  it('round-trips what it writes, with type attributes and _child items', () => {
    const body = compact({ Patient_ID: '00012', Skip: undefined, Info: { Code: '01' }, List: [{ A: '1' }, { A: '2' }], Empty: [] as { A: string }[] });
    const xml = toXml2('data', 'medicalreq', body);
    expect(xml).toContain('<List type="array"><List_child type="record"><A type="string">1</A></List_child>');
    expect(xml).not.toContain('Skip');
    expect(parseXml2(xml)).toEqual({ outer: 'data', root: 'medicalreq', body: { Patient_ID: '00012', Info: { Code: '01' }, List: [{ A: '1' }, { A: '2' }], Empty: [] } });
    expect(parseXml2(toXml2('data', 'r', { T: 'a<b&c' })).body.T).toBe('a<b&c');
  });

  it('refuses malformed documents, DOCTYPEs and unknown entities', () => {
    expect(() => parseXml2('<data><a type="string">x</b></data>')).toThrow(Xml2SyntaxError);
    expect(() => parseXml2('<data><a type="string">x</a>')).toThrow(Xml2SyntaxError);
    expect(() => parseXml2('<!DOCTYPE x [<!ENTITY e "boom">]><data><a>&e;</a></data>')).toThrow(Xml2SyntaxError);
    expect(() => parseXml2('<data><a type="string">&nbsp;</a></data>')).toThrow(Xml2SyntaxError);
    expect(() => parseXml2('<data></data>')).toThrow(Xml2SyntaxError);
  });
});

describe('Api_Result classification', () => {
  it.each([
    ['00', 'ok'],
    ['000', 'ok'],
    ['0000', 'ok'],
    ['K1', 'warning'],
    ['K0', 'warning'],
    ['W01', 'warning'],
    ['WK1', 'error'],
    ['E36', 'error'],
    ['90', 'error'],
    ['21', 'error'],
    ['0089', 'error'],
  ] as const)('%s is %s', (code, expected) => {
    expect(classifyResult(code)).toBe(expected);
  });

  it('names the lock and configuration codes of every width', () => {
    expect(['90', 'E90', '0090'].every(isLockCode)).toBe(true);
    expect(isLockCode('09')).toBe(false);
    expect(['89', '99', 'E97', '0098', '1003', '91'].every(isConfigurationCode)).toBe(true);
    expect(['10', '16', 'E36', '0001'].some(isConfigurationCode)).toBe(false);
  });
});
