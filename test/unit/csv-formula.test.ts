import { neutralizeFormula, restoreNeutralizedEmail } from '../../src/domain/lists/csv-formula';

describe('CSV formula neutralization', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","click")', '\'=HYPERLINK("https://evil.example","click")'],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ["=cmd|'/C calc'!A0", "'=cmd|'/C calc'!A0"],
  ])('when a cell starts like a formula (%j), then it gets a leading quote', (cell, expected) => {
    expect(neutralizeFormula(cell)).toBe(expected);
  });

  it.each([
    'Ada',
    'ada@example.com',
    'Analytical Engines, Ltd',
    '',
    ' =not at the start',
    "'=already quoted",
    '3-4',
    'a=b',
  ])('when a cell does not start like a formula (%j), then it is unchanged', (cell) => {
    expect(neutralizeFormula(cell)).toBe(cell);
  });

  it.each(['-info@example.com', '+tag@example.com', "=cmd|'/Ccalc'!A0@example.com", 'ada@example.com'])(
    'when an email cell is exported and imported again (%j), then the address comes back as it was',
    (email) => {
      expect(restoreNeutralizedEmail(neutralizeFormula(email))).toBe(email);
    },
  );

  it('when an address starts with a quote not followed by a formula character, then the quote is kept', () => {
    expect(restoreNeutralizedEmail("'o'brien@example.com")).toBe("'o'brien@example.com");
  });
});
