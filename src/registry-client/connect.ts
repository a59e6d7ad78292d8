import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls, type TLSSocket } from 'node:tls'
import type { Trust } from '../model.js'
import { DeadlineError, trustOptions } from './tls.js'

// Connections within a deadline, every socket recorded in `sockets` for the caller to destroy.

export function remaining(deadline: number): number {
  return Math.max(0, deadline - performance.now())
}

/** Resolves with `value` on `event`, rejects on 'error' or at the deadline (destroying the socket). */
export function settle<T>(socket: Socket, event: string, deadline: number, value: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new DeadlineError('no answer before the deadline'))
    }, remaining(deadline))
    socket.once(event, () => {
      clearTimeout(timer)
      resolve(value())
    })
    socket.once('error', error => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/**
 * Node resolves the name and tries each address in turn (autoSelectFamily is on by default), as Go's
 * dialer does for BuildKit.
 */
export function openTcp(hostname: string, port: number, deadline: number, sockets: Socket[]): Promise<Socket> {
  const socket = connectTcp({ host: hostname, port })
  sockets.push(socket)
  return settle(socket, 'connect', deadline, () => socket)
}

/**
 * TLS to `hostname`: over `tunnel` (a proxy's CONNECT) when given, else over a TCP connection
 * tls.connect opens itself (wrapping a socket we opened first crashes Node 20 when the server's
 * alert arrives after teardown: a tunnel keeps an error listener for that). `onConnected` marks
 * the end of the TCP stage. Verification is judged afterwards, from authorizationError, so that
 * it can be explained.
 */
export function openTls(
  hostname: string,
  port: number,
  trust: Trust,
  deadline: number,
  sockets: Socket[],
  onConnected = (): void => {},
  tunnel?: Socket
): Promise<TLSSocket> {
  if (tunnel) tunnel.on('error', () => undefined)
  const secure = connectTls({
    ...(tunnel ? { socket: tunnel } : { host: hostname, port }),
    ...trustOptions(hostname, trust),
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1']
  })
  sockets.push(secure)
  if (tunnel) onConnected()
  else secure.once('connect', onConnected)
  return settle(secure, 'secureConnect', deadline, () => secure)
}
