/** A final failure decided while routing or following an upstream: the generation fails with this code. */
export class RouteFailure extends Error {
  override name = 'RouteFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
