"""The runtime client apps call: `/{module}/{path}` through an explicit chain of stages."""
