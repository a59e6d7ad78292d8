import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls, type TLSSocket } from 'node:tls'
import type { Trust } from '../model.js'
import { DeadlineError, trustOptions } from './tls.js'

// Connections within a deadline, every socket recorded in `sockets` for the caller to destroy.

export function remaining(deadline: number): number {
  return Math.max(0, deadline - performance.now())
}

/**
 * Settles as `start` has it, or rejects at the deadline with a DeadlineError saying `message`, after
 * destroying what `start` opened (and returned); the timer is cleared however it settles.
 */
export function beforeDeadline<T>(
  deadline: number,
  message: string,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => { destroy(): void }
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The timer first: `start` may settle before it returns, and settling clears the timer.
    const timer = setTimeout(() => {
      opened.destroy()
      reject(new DeadlineError(message))
    }, remaining(deadline))
    const cleared =
      <A>(settle: (value: A) => void) =>
      (value: A): void => {
        clearTimeout(timer)
        settle(value)
      }
    const opened = start(cleared(resolve), cleared(reject))
  })
}

/** Resolves with `socket` on `event`, rejects on 'error' or at the deadline (destroying the socket). */
function reached<T extends Socket>(socket: T, event: string, deadline: number): Promise<T> {
  return beforeDeadline(deadline, 'no answer before the deadline', (resolve, reject) => {
    socket.once(event, () => resolve(socket))
    socket.once('error', reject)
    return socket
  })
}

/**
 * Node resolves the name and tries each address in turn (autoSelectFamily is on by default), as Go's
 * dialer does for BuildKit.
 */
export function openTcp(hostname: string, port: number, deadline: number, sockets: Socket[]): Promise<Socket> {
  const socket = connectTcp({ host: hostname, port })
  sockets.push(socket)
  return reached(socket, 'connect', deadline)
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
  return reached(secure, 'secureConnect', deadline)
}
