// Vite answers `?url` imports with the address of the file it copies into the build.
declare module '*.json?url' {
  const url: string;
  export default url;
}
