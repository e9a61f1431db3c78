import { createSocket } from 'node:dgram';
import snmp from 'net-snmp';

/**
 * A UPS for tests: net-snmp's own agent serving the UPS-MIB (RFC 1628) objects the edge reads, over v2c
 * (community) and v3 (one USM user), on an ephemeral UDP port. stop() and start() take it off the network and
 * bring it back on the same port.
 */

export interface UpsState { inputVoltage: number; chargeRemaining: number; outputSource?: number; secondsOnBattery: number }

export interface UpsTestAgent {
  port: number;
  state: UpsState;
  /** changes what the UPS reports from now on */
  set(values: Partial<UpsState>): void;
  stop(): Promise<void>;
  start(): void;
}

export const TEST_COMMUNITY = 'depot-ro';
export const TEST_USER = { name: 'edge', authKey: 'edge-auth-key-1', privKey: 'edge-priv-key-1' };

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const INT = () => snmp.ObjectType.Integer ?? 2;
const GAUGE = () => snmp.ObjectType.Gauge ?? 66;
const RO = () => snmp.MaxAccess['read-only'] ?? 2;

export async function startUpsAgent(initial: UpsState): Promise<UpsTestAgent> {
  const port = await freeUdpPort();
  const state = { ...initial };
  let agent: snmp.Agent | undefined;
  const start = (): void => {
    const a = snmp.createAgent({ port, address: '127.0.0.1' }, () => {});
    a.getAuthorizer().addCommunity(TEST_COMMUNITY);
    a.getAuthorizer().addUser({
      name: TEST_USER.name, level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha, authKey: TEST_USER.authKey, privProtocol: snmp.PrivProtocols.aes, privKey: TEST_USER.privKey,
    });
    const scalar = (name: string, oid: string, type: number) => a.registerProvider({ name, type: snmp.MibProviderType.Scalar, oid, scalarType: type, maxAccess: RO() });
    scalar('upsSecondsOnBattery', '1.3.6.1.2.1.33.1.2.2', INT());
    scalar('upsEstimatedChargeRemaining', '1.3.6.1.2.1.33.1.2.4', INT());
    if (state.outputSource !== undefined) scalar('upsOutputSource', '1.3.6.1.2.1.33.1.4.1', INT());
    a.registerProvider({
      name: 'upsInputTable', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.33.1.3.3.1', maxAccess: snmp.MaxAccess['not-accessible'] ?? 0,
      tableColumns: [
        { number: 1, name: 'upsInputLineIndex', type: INT(), maxAccess: RO() },
        { number: 2, name: 'upsInputFrequency', type: GAUGE(), maxAccess: RO() },
        { number: 3, name: 'upsInputVoltage', type: GAUGE(), maxAccess: RO() },
      ],
      tableIndex: [{ columnName: 'upsInputLineIndex' }],
    });
    const mib = a.getMib();
    mib.addTableRow('upsInputTable', [1, 500, 0]);
    refresh = () => {
      mib.setScalarValue('upsSecondsOnBattery', state.secondsOnBattery);
      mib.setScalarValue('upsEstimatedChargeRemaining', state.chargeRemaining);
      if (state.outputSource !== undefined) mib.setScalarValue('upsOutputSource', state.outputSource);
      mib.setTableSingleCell('upsInputTable', 3, [1], state.inputVoltage);
    };
    refresh();
    agent = a;
  };
  let refresh = (): void => {};
  const set = (values: Partial<UpsState>): void => {
    Object.assign(state, values);
    refresh();
  };
  const stop = async (): Promise<void> => {
    const a = agent;
    agent = undefined;
    if (a) await new Promise<void>((resolve) => a.close(() => resolve()));
  };
  start();
  return { port, state, set, stop, start };
}
