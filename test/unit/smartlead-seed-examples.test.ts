import {
  countByKind,
  parseSeedExamples,
  readSmartleadSeed,
  SEED_001_EXAMPLE_FLOORS,
} from '../helpers/smartlead-seed-examples';

describe("seed 001's example requests, as the parser reads them", () => {
  it('when the seed is read, then every kind of example is found with its method, path, query and body', () => {
    const examples = parseSeedExamples(readSmartleadSeed());

    expect(countByKind(examples)).toEqual(SEED_001_EXAMPLE_FLOORS);
    expect(examples).toContainEqual({
      kind: 'python',
      line: 95,
      method: 'GET',
      path: '/campaigns/',
      query: [
        ['api_key', 'YOUR_API_KEY'],
        ['include_tags', 'true'],
      ],
    });
    expect(examples).toContainEqual(
      expect.objectContaining({ kind: 'javascript', path: '/campaigns/', query: expect.any(Array) }),
    );
    expect(examples).toContainEqual(expect.objectContaining({ kind: 'curl', method: 'GET', path: '/campaigns/12345' }));
    expect(examples.find((example) => example.path === '/leads/')?.query).toContainEqual([
      'email',
      '[email protected]',
    ]);
    const blocks = examples.filter((example) => example.path === '/leads/add-domain-block-list');
    expect(blocks.map((example) => example.body)).toEqual([{ email: '[email protected]' }, { domain: 'example.com' }]);
    const sequences = examples.find((example) => example.method === 'POST' && example.path.endsWith('/sequences'));
    expect(sequences?.body).toEqual([
      expect.objectContaining({ seq_number: 1, seq_delay_details: { delay_in_days: 0 } }),
    ]);
  });

  it('when examples send bodies (curl -d, requests json=, fetch JSON.stringify, PHP POSTFIELDS), then each is read', () => {
    const text = [
      `curl -X POST "https://server.smartlead.ai/api/v1/campaigns/create?api_key=K" -H "Content-Type: application/json" -d '{"name":"A"}'`,
      'requests.post(',
      '"https://server.smartlead.ai/api/v1/campaigns/1/status",',
      'params={"api_key": "K"}, json={"status": "PAUSED", "flag": True, "none": None}',
      ')',
      'await fetch(`https://server.smartlead.ai/api/v1/campaigns/1/status?api_key=${K}`, {',
      'method: \'PATCH\', body: JSON.stringify({ "status": "ACTIVE" })',
      '});',
      'curl_setopt($ch, CURLOPT_URL, "https://server.smartlead.ai/api/v1/campaigns/1?api_key=$k");',
      'curl_setopt($ch, CURLOPT_CUSTOMREQUEST, "DELETE");',
    ].join('\n');

    const examples = parseSeedExamples(text);

    expect(examples.map(({ kind, method, path, body }) => ({ kind, method, path, body }))).toEqual([
      { kind: 'curl', method: 'POST', path: '/campaigns/create', body: { name: 'A' } },
      {
        kind: 'python',
        method: 'POST',
        path: '/campaigns/1/status',
        body: { status: 'PAUSED', flag: true, none: null },
      },
      { kind: 'javascript', method: 'PATCH', path: '/campaigns/1/status', body: { status: 'ACTIVE' } },
      { kind: 'php', method: 'DELETE', path: '/campaigns/1', body: undefined },
    ]);
    expect(examples[1]!.query).toEqual([['api_key', 'K']]);
  });
});
