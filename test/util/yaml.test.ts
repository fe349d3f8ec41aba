import { dumpYaml as toYaml, parseYaml as parse } from '../../src/util/yaml';

// The fix text must read back as the same object with any YAML 1.2 parser (https://yaml.org/spec/1.2.2/).
describe('fix YAML', () => {
  it.each([
    ['label values YAML would read as other types', { matchLabels: { a: 'true', b: '123', c: 'null', d: 'yes', e: '', f: '1.5', g: '~' } }],
    ['strings with YAML syntax', { a: 'x: y', b: '- z', c: '#c', d: "it's", e: '"q"', f: 'a b', g: '{}', h: '0x1F' }],
    ['keys with dots and slashes', { 'kubernetes.io/metadata.name': 'shop', 'app.kubernetes.io/name': 'web' }],
    ['nested lists of maps', { spec: { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 80 }] }] } }],
    ['empty maps and lists', { podSelector: {}, ingress: [], list: [[1, 2], []] }],
  ])('%s', (_name, value) => {
    expect(parse(toYaml(value))).toEqual(value);
  });

  // kubectl reads YAML with a YAML 1.1 parser, where yes/no/on/off are booleans: such strings must be quoted.
  it('quotes strings a YAML 1.1 reader would take for booleans or numbers', () => {
    const text = toYaml({ a: 'yes', b: 'on', c: 'off', d: 'no', e: '1.5', f: 'y' });
    for (const v of ['yes', 'on', 'off', 'no', '1.5']) expect(text).toContain(`'${v}'`);
  });

  it('writes the block style kubectl users read', () => {
    expect(toYaml({ spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] } })).toBe(
      ['spec:', '  podSelector:', '    matchLabels:', '      app: db', '  policyTypes:', '  - Ingress', ''].join('\n'),
    );
  });
});
