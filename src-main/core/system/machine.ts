// Static machine facts. systeminformation knows the marketing CPU name, physical core count and
// OS distribution on all three platforms, but it forks helpers to find them (lscpu, sw_vers,
// PowerShell), so this is read once; node:os covers everything if it fails.

import os from 'node:os';
import si from 'systeminformation';
import type { MachineInfo } from '../../common/system';

function fromNode(): MachineInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: process.platform,
    osName: os.type(),
    osRelease: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'Unknown CPU',
    logicalCores: cpus.length || os.availableParallelism(),
    physicalCores: cpus.length || os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
  };
}

export async function readMachineInfo(): Promise<MachineInfo> {
  const base = fromNode();
  try {
    const [cpu, osInfo] = await Promise.all([si.cpu(), si.osInfo()]);
    const model = [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ').trim();
    return {
      ...base,
      osName: osInfo.distro || base.osName,
      osRelease: osInfo.release || base.osRelease,
      cpuModel: model || base.cpuModel,
      physicalCores: cpu.physicalCores || base.physicalCores,
    };
  } catch {
    return base;
  }
}
