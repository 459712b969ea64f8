import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { apiRoutes } from '../../../src/daemon/api/routes.js';
import { API_PREFIX } from '../../../src/daemon/api/contract.js';
import { METRICS_PATH } from '../../../src/daemon/api/ApiServer.js';
import { ALPHA, FakeDaemon, INFO, PEERS } from '../../support/fakeDaemon.js';
import { ManualClock } from '../../support/ManualClock.js';

interface Schema {
  $ref?: string;
  required?: string[];
  properties?: Record<string, unknown>;
  allOf?: Schema[];
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Schema> };
}

const FILE = path.join(import.meta.dirname, '..', '..', '..', 'src', 'daemon', 'api', 'openapi.yaml');
const TEXT = fs.readFileSync(FILE, 'utf8');
const SPEC = parse(TEXT) as OpenApi;
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

test('openapi.yaml is OpenAPI 3.1', () => {
  expect(SPEC.openapi).toBe('3.1.0');
});

test("its routes are the server's route table, plus /metrics", () => {
  const served = apiRoutes(new FakeDaemon(), new ManualClock()).map((r) => `${r.method} ${API_PREFIX}${r.path.replace(/:(\w+)/g, '{$1}')}`);
  const described = Object.entries(SPEC.paths).flatMap(([route, item]) => Object.keys(item).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${route}`));
  expect(described.sort()).toEqual([...served, `GET ${METRICS_PATH}`].sort());
});

test('every $ref names a schema, parameter, body or response it defines', () => {
  const refs = [...TEXT.matchAll(/\$ref: '#\/([^']+)'/g)].map((m) => m[1]);
  expect(refs.length).toBeGreaterThan(20);
  for (const ref of refs) {
    const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], SPEC);
    expect([ref, target !== undefined]).toEqual([ref, true]);
  }
});

test("the schemas' fields are the contract's (the fake daemon's answers are typed by contract.ts)", () => {
  const fields = (name: string): string[] => {
    const schema = SPEC.components.schemas[name];
    const parts = schema.allOf ?? [schema];
    return parts.flatMap((part) => (part.$ref ? fields(part.$ref.split('/').pop()!) : Object.keys(part.properties ?? {}))).sort();
  };
  const required = (name: string) => (SPEC.components.schemas[name].required ?? []).slice().sort();
  expect(fields('TorrentSummary')).toEqual(Object.keys(ALPHA).sort());
  expect(required('TorrentSummary')).toEqual(Object.keys(ALPHA).sort());
  expect(fields('DaemonInfo')).toEqual(Object.keys(INFO).sort());
  expect(fields('TorrentPeer')).toEqual(Object.keys(PEERS[0]).sort());
  expect(fields('TorrentDetail')).toEqual(Object.keys(new FakeDaemon().get(ALPHA.id)).sort());
  expect(fields('AddRequest')).toEqual(['dir', 'magnet', 'paused', 'torrent', 'url']);
  expect(fields('SettingsPatch')).toEqual(['downloadDir', 'firstRun', 'limits', 'peerLimits', 'peerPort']);
  expect(fields('TorrentPatch')).toEqual(['files', 'firstAndLastFirst', 'limits']);
});
